"""EMQX's `emqx_mgmt_api_clients_SUITE` (and `emqx_mgmt_api_SUITE:t_cluster_query`) ported to the `emqx5` dialect.

Each test builds the population its case connects, as a scenario file, then asserts what the case asserts. The
suite's MQTT-level checks (publish and receive, the broker's internal tables) have no HTTP form: where a case reads
an internal table, the test reads the same state through the API instead.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import API, AUTH, FROZEN_AT, make_config

Simulate = Callable[..., TestClient]
"""`simulate(clients, nodes=1)`: the emqx5 simulator over exactly these scenario clients."""

NODE1, NODE2 = "emqx@10.0.0.1", "emqx@10.0.0.2"
CLIENTID_NOT_FOUND = {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}
DEFAULTS: dict[str, Any] = {
    "username": None,
    "proto_name": "MQTT",
    "proto_ver": 4,
    "expiry_interval": 0,
    "state": "connected",
    "subscriptions": {},
}
"""What `emqtt:start_link` gives a client the case does not say more of: MQTT 3.1.1, no username, clean start."""


@pytest.fixture
def simulate(tmp_path: Path) -> Simulate:
    """Writes a scenario of exactly the given clients (DEFAULTS filling in) and serves it as the emqx5 dialect."""
    numbers = itertools.count(1)

    def build(clients: Sequence[Mapping[str, Any]], nodes: int = 1) -> TestClient:
        path = tmp_path / f"suite-{next(numbers)}.json"
        scenario = {
            "description": "The clients one case of emqx_mgmt_api_clients_SUITE connects.",
            "population": {"clients": len(clients), "nodes": nodes, "documented": False},
            "clients": [{**DEFAULTS, **client} for client in clients],
        }
        path.write_text(json.dumps(scenario), encoding="utf-8")
        config = make_config(dialect="emqx5", scenario=str(path), clients=None, nodes=nodes)
        client: TestClient = create_app(config).test_client()
        return client

    return build


def _json(response: Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _no_content(response: Response) -> None:
    assert response.status_code == 204, response.text


def _get(sim: TestClient, path: str, query: str = "") -> Response:
    return sim.get(f"{API}{path}?{query}" if query else f"{API}{path}", auth=AUTH)


def _post(sim: TestClient, path: str, body: Any) -> Response:
    return sim.post(f"{API}{path}", auth=AUTH, json=body)


def _ids(sim: TestClient, query: str) -> list[str]:
    """The sorted clientids of the first page of `GET /clients?<query>` (the suite's `get_clients`)."""
    return sorted(client["clientid"] for client in _json(_get(sim, "/clients", query))["data"])


def _epoch_ms(instant: str) -> int:
    return round(datetime.fromisoformat(instant).timestamp() * 1000)


def _v2_page(sim: TestClient, params: Sequence[tuple[str, str]], cursor: str | None) -> dict[str, Any]:
    query = [*params, ("cursor", cursor)] if cursor is not None else list(params)
    page: dict[str, Any] = _json(_get(sim, "/clients_v2", urlencode(query)))
    return page


def _v2_walk(sim: TestClient, params: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every page of `GET /clients_v2`, following `meta.cursor` until an answer has none (the suite's `list_all_v2`)."""
    pages = [_v2_page(sim, params, None)]
    while "cursor" in pages[-1]["meta"]:
        assert len(pages) < 50, "the cursor never ends"
        pages.append(_v2_page(sim, params, pages[-1]["meta"]["cursor"]))
    return pages


def _page_ids(pages: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[client["clientid"] for client in page["data"]] for page in pages]


# t_clients, t_client_id_not_found, t_clients_bad_value_type ------------------------------------------------------


def test_t_clients(simulate: Simulate) -> None:
    """SUITE t_clients: list, look up, kick, authorization cache, subscribe, subscriptions, unsubscribe."""
    sim = simulate(
        [
            {"clientid": "client1", "username": "user1", "proto_ver": 5, "expiry_interval": 120},
            {"clientid": "client2", "username": "user2"},
        ]
    )
    meta = _json(_get(sim, "/clients"))["meta"]
    assert (meta["page"], meta["limit"], meta["count"]) == (1, 100, 2)
    client1 = _json(_get(sim, "/clients/client1"))
    assert (client1["username"], client1["clientid"], client1["expiry_interval"]) == ("user1", "client1", 120)

    _no_content(sim.delete(f"{API}/clients/client2", auth=AUTH))
    assert _json(_get(sim, "/clients/client2"), 404) == CLIENTID_NOT_FOUND

    assert _json(_get(sim, "/clients/client1/authorization/cache")) == []

    _json(_post(sim, "/clients/client1/subscribe", {"topic": "topic_1", "qos": 0, "nl": 1, "rh": 1}))
    [subscription] = _json(_get(sim, "/clients/client1/subscriptions"))
    assert "node" in subscription
    expected = {"clientid": "client1", "nl": 1, "rap": 0, "rh": 1, "qos": 0, "topic": "topic_1"}
    assert {key: subscription[key] for key in expected} == expected

    _no_content(_post(sim, "/clients/client1/unsubscribe", {"topic": "topic_1"}))
    assert _json(_get(sim, "/clients/client1/subscriptions")) == []


def test_t_client_id_not_found(simulate: Simulate) -> None:
    """SUITE t_client_id_not_found: every per-client operation on an unknown clientid is 404 CLIENTID_NOT_FOUND."""
    sim = simulate([{"clientid": "client1"}])
    path = f"{API}/clients/no_existed_clientid"
    subscribe = {"topic": "testtopic", "qos": 1, "nl": 1, "rh": 1}
    unsubscribe = {"topic": "testtopic"}
    requests: list[tuple[str, str, Any]] = [
        ("GET", path, None),
        ("DELETE", path, None),
        ("GET", f"{path}/subscriptions", None),
        ("GET", f"{path}/authorization/cache", None),
        ("DELETE", f"{path}/authorization/cache", None),
        ("POST", f"{path}/subscribe", subscribe),
        ("POST", f"{path}/subscribe/bulk", [subscribe]),
        ("POST", f"{path}/unsubscribe", unsubscribe),
        ("POST", f"{path}/unsubscribe/bulk", [unsubscribe]),
        ("GET", f"{path}/mqueue_messages", None),
        ("GET", f"{path}/inflight_messages", None),
    ]
    for method, url, body in requests:
        response = sim.request(method, url, auth=AUTH, json=body)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json() == CLIENTID_NOT_FOUND, (method, url)


def test_t_clients_bad_value_type(simulate: Simulate) -> None:
    """SUITE t_clients_bad_value_type: an ip_address that is not an address is 400 INVALID_PARAMETER."""
    sim = simulate([{"clientid": "client1"}])
    assert _json(_get(sim, "/clients", "ip_address=127.0.0.1%3A8080"), 400) == {
        "code": "INVALID_PARAMETER",
        "message": "the ip_address parameter expected type is ip, but the value is 127.0.0.1:8080",
    }


# Filters of GET /clients ----------------------------------------------------------------------------------------

MULTI = [(f"multi_client{n}{suffix}", f"multi_user{n}") for n in range(1, 5) for suffix in ("", "-1")]
ALL_MULTI = sorted(clientid for clientid, _ in MULTI)
ALL_CLIENTIDS = "&".join(f"clientid={clientid}" for clientid, _ in MULTI)
ALL_USERNAMES = "&".join(f"username={username}" for _, username in MULTI)
FIRST_PAIR = ["multi_client1", "multi_client1-1"]
MULTI_QUERIES = [
    ("clientid=no_such_client", []),
    ("clientid=no_such_client&clientid=no_such_client1", []),
    ("clientid=no_such_client&clientid=no_such_client", []),
    ("username=no_such_user&clientid=no_such_user1", []),
    ("username=no_such_user&clientid=no_such_user", []),
    # The suite's own query, a `&` missing in the middle.
    ("clientid=no_such_client&clientid=no_such_clientusername=no_such_user&clientid=no_such_user1", []),
    ("clientid=multi_client1&username=multi_user2", []),
    ("clientid=multi_client1&clientid=multi_client1-1&username=multi_user2&username=multi_user3", []),
    ("clientid=multi_client1", ["multi_client1"]),
    ("clientid=multi_client1&clientid=multi_client1", ["multi_client1"]),
    ("clientid=multi_client1&username=multi_user1", ["multi_client1"]),
    ("username=multi_user1", FIRST_PAIR),
    ("clientid=multi_client1&clientid=multi_client1-1", FIRST_PAIR),
    ("clientid=multi_client1&clientid=multi_client1-1&username=multi_user1", FIRST_PAIR),
    ("clientid=no-such-client&clientid=multi_client1&clientid=multi_client1-1&username=multi_user1", FIRST_PAIR),
    (
        "clientid=no-such-client&clientid=multi_client1&clientid=multi_client1-1"
        "&username=multi_user1&username=no-such-user",
        FIRST_PAIR,
    ),
    (ALL_CLIENTIDS, ALL_MULTI),
    (ALL_USERNAMES, ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&node={NODE1}", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&like_clientid=multi", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&like_username=multi", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&like_clientid=does-not-matter", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&like_username=does-not-matter", ALL_MULTI),
    (f"{ALL_CLIENTIDS}&like_username=user1", FIRST_PAIR),
    (f"{ALL_USERNAMES}&like_clientid=client1", FIRST_PAIR),
    (f"{ALL_CLIENTIDS}&like_username=nouser", []),
    (f"{ALL_USERNAMES}&like_clientid=nouser", []),
]


def test_t_query_multiple_clients(simulate: Simulate) -> None:
    """SUITE t_query_multiple_clients: repeated clientid/username are OR-ed, AND-ed together, like_* ignored next."""
    sim = simulate([{"clientid": clientid, "username": username} for clientid, username in MULTI])
    for query, expected in MULTI_QUERIES:
        assert _ids(sim, query) == expected, query
    refused = _json(_get(sim, "/clients", f"{ALL_CLIENTIDS}&{ALL_USERNAMES}&node=nonode@nohost"), 500)
    assert refused["code"] == "NODE_DOWN"


def test_t_query_multiple_clients_urlencode(simulate: Simulate) -> None:
    """SUITE t_query_multiple_clients_urlencode: percent-encoded `=` and `?` in clientid and username values."""
    sim = simulate(
        [
            {"clientid": "multi_client=a?", "username": "multi_user=a?"},
            {"clientid": "mutli_client=b?", "username": "multi_user=b?"},
        ]
    )
    expected = ["multi_client=a?", "mutli_client=b?"]
    assert _ids(sim, "clientid=multi_client%3Da%3F&clientid=mutli_client%3Db%3F") == expected
    assert _ids(sim, "username=multi_user%3Da%3F&username=multi_user%3Db%3F") == expected


def test_t_query_clients_with_fields(simulate: Simulate) -> None:
    """SUITE t_query_clients_with_fields: `fields` returns exactly the named fields; bad names are refused."""
    clientid, username = "t_query_clients_with_fields_client", "t_query_clients_with_fields_user"
    sim = simulate([{"clientid": clientid, "username": username}])

    def data(query: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = _json(_get(sim, "/clients", query))["data"]
        return found

    assert data("fields=clientid") == [{"clientid": clientid}]
    [attrs] = data("fields=client_attrs")
    assert list(attrs) == ["client_attrs"] and isinstance(attrs["client_attrs"], dict)
    assert data("fields=clientid,username") == [{"clientid": clientid, "username": username}]
    every = data("fields=all")
    assert every == data("")
    [client] = every
    assert (client["clientid"], client["username"]) == (clientid, username) and len(client) > 2
    for query in ("fields=bad_field_name", "fields=all,bad_field_name", "fields=all,username,clientid"):
        assert _json(_get(sim, "/clients", query), 400)["code"] == "BAD_REQUEST", query


def test_t_query_clients_with_time(simulate: Simulate) -> None:
    """SUITE t_query_clients_with_time: time ranges as RFC 3339 and epoch milliseconds, bounds inclusive."""
    sim = simulate([{"clientid": "client1", "username": "user1"}, {"clientid": "client2", "username": "user2"}])
    now = datetime.fromtimestamp(FROZEN_AT / 1000, UTC).isoformat(timespec="milliseconds")
    values = [quote(now, safe=""), str(FROZEN_AT)]
    for value in values:
        for field in ("created_at", "connected_at"):
            before = _json(_get(sim, "/clients", f"lte_{field}={value}"))["data"]
            assert sorted(client["clientid"] for client in before) == ["client1", "client2"], (field, value)
            assert all(_epoch_ms(client["created_at"]) < FROZEN_AT for client in before), (field, value)
            assert all(_epoch_ms(client["connected_at"]) < FROZEN_AT for client in before), (field, value)
            assert _json(_get(sim, "/clients", f"gte_{field}={value}"))["data"] == [], (field, value)


def test_t_cluster_query(simulate: Simulate) -> None:
    """AST t_cluster_query: two nodes of ten clients each, paged, counted and filtered by node and username."""
    sim = simulate(
        [{"clientid": f"{node}-{n}", "username": node, "node": node} for node in (NODE1, NODE2) for n in range(1, 11)],
        nodes=2,
    )
    everyone = _json(_get(sim, "/clients", "page=1&limit=100"))
    assert {key: everyone["meta"][key] for key in ("page", "limit", "count")} == {"page": 1, "limit": 100, "count": 20}
    assert len(everyone["data"]) == 20
    first = _json(_get(sim, "/clients", "page=1&limit=5"))
    assert {key: first["meta"][key] for key in ("page", "limit", "count")} == {"page": 1, "limit": 5, "count": 20}
    assert len(first["data"]) == 5
    pages = [first, *(_json(_get(sim, "/clients", f"page={page}&limit=5")) for page in (2, 3, 4))]
    assert [c["clientid"] for page in pages for c in page["data"]] == [c["clientid"] for c in everyone["data"]]
    assert _json(_get(sim, "/clients", "page=10&limit=5")) == {
        "data": [],
        "meta": {"page": 10, "limit": 5, "count": 20, "hasnext": False},
    }
    on_node2 = _json(_get(sim, "/clients", f"page=1&limit=100&node={NODE2}"))
    assert on_node2["meta"]["count"] == 10 and {c["node"] for c in on_node2["data"]} == {NODE2}
    assert _json(_get(sim, "/clients", "node=nonode@nohost"), 500)["code"] == "NODE_DOWN"
    assert _json(_get(sim, "/clients", f"page=1&limit=100&username={NODE1}"))["meta"]["count"] == 10
    fuzzy = _json(_get(sim, "/clients", f"page=1&limit=100&like_username={NODE2}"))
    assert "count" not in fuzzy["meta"] and fuzzy["meta"]["hasnext"] is False
    assert len(fuzzy["data"]) == 10


# GET /clients_v2 ------------------------------------------------------------------------------------------------

V2_CLIENTS = [
    {"clientid": "ca1", "expiry_interval": 30},
    {"clientid": "c2", "expiry_interval": 30},
    {"clientid": "c3", "expiry_interval": 30, "state": "disconnected"},
    {"clientid": "ca4", "expiry_interval": 30, "state": "disconnected"},
    {"clientid": "ca5"},
    {"clientid": "c6"},
]
"""The suite's six clients on one node: c3 and ca4 offline with their sessions kept, ca5 and c6 without expiry."""


@pytest.mark.parametrize(
    ("params", "layout"),
    [
        ([("limit", "1")], [["ca5"], ["ca4"], ["ca1"], ["c6"], ["c3"], ["c2"], []]),
        ([("limit", "4")], [["ca5", "ca4", "ca1", "c6"], ["c3", "c2"]]),
        ([("limit", "2")], [["ca5", "ca4"], ["ca1", "c6"], ["c3", "c2"], []]),
        ([("limit", "100"), ("like_clientid", "ca")], [["ca5", "ca4", "ca1"]]),
        ([("limit", "1"), ("like_clientid", "ca")], [["ca5"], ["ca4"], ["ca1"], []]),
    ],
    ids=["limit=1", "limit=4", "limit=2", "limit=100,like", "limit=1,like"],
)
def test_t_list_clients_v2(simulate: Simulate, params: list[tuple[str, str]], layout: list[list[str]]) -> None:
    """SUITE t_list_clients_v2 (single node): cursor pages, a trailing empty page after an exact end, reusable."""
    sim = simulate(V2_CLIENTS)
    pages = _v2_walk(sim, params)
    assert _page_ids(pages) == layout
    assert [page["meta"]["count"] for page in pages] == [len(ids) for ids in layout]
    assert [set(page["meta"]) for page in pages] == [{"count", "cursor"}] * (len(layout) - 1) + [{"count"}]
    # traverse_in_reverse_v2: each page asked again with its cursor, last first, is the same page.
    cursors = [None, *(page["meta"]["cursor"] for page in pages[:-1])]
    for cursor, page in reversed(list(zip(cursors, pages, strict=True))):
        assert _v2_page(sim, params, cursor) == page, cursor


def test_t_list_clients_v2_bad_cursor(simulate: Simulate) -> None:
    """SUITE t_list_clients_v2: the suite's forged cursor (an atom unknown to the node) is 400 "bad cursor"."""
    sim = simulate(V2_CLIENTS)
    forged = "g2QABXNvbWVfYXRvbV9A0aGF0X2RvZXNudF9AleGlzdF9Avbl9A0aGVfcmVtb3RlX25vZGF"
    assert _json(_get(sim, "/clients_v2", f"limit=1&cursor={forged}"), 400) == {
        "code": "BAD_REQUEST",
        "message": "bad cursor",
    }


def test_t_list_clients_v2_exact_filters(simulate: Simulate) -> None:
    """SUITE t_list_clients_v2_exact_filters: repeated username values are OR-ed in /clients_v2."""
    prefix = "t_list_clients_v2_exact_filters"
    user1, user2 = f"{prefix}-u1", f"{prefix}-u2"
    sim = simulate(
        [
            {"clientid": f"{prefix}-ps1", "username": user1, "expiry_interval": 30},
            {"clientid": f"{prefix}-ps2", "username": user2, "expiry_interval": 30},
            {"clientid": f"{prefix}-ps3-offline", "expiry_interval": 30, "state": "disconnected"},
            {"clientid": f"{prefix}-ps4-offline", "expiry_interval": 30, "state": "disconnected"},
            {"clientid": f"{prefix}-mem2", "username": user1},
            {"clientid": f"{prefix}-mem3", "username": user2},
        ]
    )

    def listed(params: list[tuple[str, str]]) -> list[str]:
        return sorted(clientid for ids in _page_ids(_v2_walk(sim, params)) for clientid in ids)

    assert listed([("limit", "100"), ("username", user1)]) == [f"{prefix}-mem2", f"{prefix}-ps1"]
    assert listed([("limit", "100"), ("username", user1), ("username", user2)]) == sorted(
        f"{prefix}-{name}" for name in ("ps1", "ps2", "mem2", "mem3")
    )


def test_t_list_clients_v2_regular_filters(simulate: Simulate) -> None:
    """SUITE t_list_clients_v2_regular_filters: connected_at ranges and conn_state in /clients_v2."""
    clientid = "t_list_clients_v2_regular_filters-ps1-offline"
    sim = simulate(
        [
            {
                "clientid": clientid,
                "username": "t_list_clients_v2_regular_filters-u1",
                "clean_start": False,
                "expiry_interval": 30,
                "state": "disconnected",
            }
        ]
    )
    connected_at = _epoch_ms(_json(_get(sim, f"/clients/{clientid}"))["connected_at"])
    # The suite takes "now" at second precision just before the client connects: the last whole second before it.
    before = (connected_at - 1) // 1000 * 1000
    since = datetime.fromtimestamp(before / 1000, UTC).isoformat(timespec="seconds")
    assert _page_ids(_v2_walk(sim, [("limit", "100"), ("gte_connected_at", since)])) == [[clientid]]
    empty = [{"data": [], "meta": {"count": 0}}]
    assert _v2_walk(sim, [("limit", "100"), ("lte_connected_at", since)]) == empty
    assert _v2_walk(sim, [("limit", "100"), ("conn_state", "connected")]) == empty


def test_t_list_clients_v2_bad_query_string_parameters(simulate: Simulate) -> None:
    """SUITE t_list_clients_v2_bad_query_string_parameters: an ip_address with a port is 400 INVALID_PARAMETER."""
    sim = simulate([{"clientid": "client1"}])
    body = _json(_get(sim, "/clients_v2", urlencode([("ip_address", "10.50.0.0:60748")])), 400)
    assert body["code"] == "INVALID_PARAMETER"
    assert body["message"].startswith("the ip_address parameter expected type is ip, but the value is")


# Kick, keep-alive ----------------------------------------------------------------------------------------------


def test_t_kickout_clients(simulate: Simulate) -> None:
    """SUITE t_kickout_clients: a bulk kick of every client empties the list at once."""
    sim = simulate(
        [
            {"clientid": "client1", "proto_ver": 5, "expiry_interval": 120},
            {"clientid": "client2"},
            {"clientid": "client3"},
        ]
    )
    meta = _json(_get(sim, "/clients"))["meta"]
    assert (meta["page"], meta["limit"], meta["count"]) == (1, 100, 3)
    _no_content(_post(sim, "/clients/kickout/bulk", ["client1", "client2", "client3"]))
    assert _json(_get(sim, "/clients"))["meta"]["count"] == 0


def test_t_keepalive(simulate: Simulate) -> None:
    """SUITE t_keepalive: 404 before the client exists, then 11, 0, and 65536 refused."""
    path = f"{API}/clients/client_keepalive/keepalive"
    assert simulate([]).put(path, auth=AUTH, json={"interval": 11}).status_code == 404
    sim = simulate([{"clientid": "client_keepalive", "username": "user_keepalive", "keepalive": 43691}])
    assert _json(_get(sim, "/clients/client_keepalive"))["keepalive"] == 43691
    for interval in (11, 0):
        assert _json(sim.put(path, auth=AUTH, json={"interval": interval}))["keepalive"] == interval
        assert _json(_get(sim, "/clients/client_keepalive"))["keepalive"] == interval
    assert _json(sim.put(path, auth=AUTH, json={"interval": 65536}), 400)["code"] == "BAD_REQUEST"


# Queued and in-flight messages ----------------------------------------------------------------------------------

MQUEUE_TOPIC, INFLIGHT_TOPIC = "t/test_mqueue_msgs", "t/test_inflight_msgs"
MESSAGE_FIELDS = {"msgid", "topic", "qos", "publish_at", "from_clientid", "from_username", "inserted_at"}


def _decode(payload: str, encoding: str) -> str:
    return base64.b64decode(payload, validate=True).decode() if encoding == "base64" else payload


def _position(message: Mapping[str, Any], mqueue: bool) -> str:
    """The suite's `msg_pos`: `<inserted_at>_<priority>` in a message queue, `<inserted_at>` in flight."""
    return f"{message['inserted_at']}_{message['mqueue_priority']}" if mqueue else str(message["inserted_at"])


def _check_messages(sim: TestClient, path: str, topic: str, count: int, encoding: str, mqueue: bool) -> None:
    """The suite's `test_messages`: one whole answer, the payload limit, pages of 19 by position, then past the end."""

    def chunk(query: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        body = _json(_get(sim, path, f"payload={encoding}&{query}" if query else f"payload={encoding}"))
        return body["data"], body["meta"]

    messages, meta = chunk("")
    start, last = meta["start"], meta["position"]
    assert len(messages) == count
    assert start == _position(messages[0], mqueue) and last == _position(messages[-1], mqueue)
    for seq, message in enumerate(messages, start=1):
        assert _decode(message["payload"], encoding) == str(seq)
        assert MESSAGE_FIELDS | ({"mqueue_priority"} if mqueue else set()) <= set(message), message
        assert message["topic"] == topic

    [only] = chunk("max_payload_bytes=1")[0]
    assert _decode(only["payload"], encoding) == "1"

    limit, position = 19, "none"
    for page in range(1, count // limit + 1):
        messages, meta = chunk(f"position={position}&limit={limit}")
        assert len(messages) == limit
        assert meta["position"] == _position(messages[-1], mqueue) and meta["start"] == start
        assert _decode(messages[0]["payload"], encoding) == str(page * limit - limit + 1)
        assert _decode(messages[-1]["payload"], encoding) == str(page * limit)
        position = meta["position"]
    messages, meta = chunk(f"position={position}&limit={limit}")
    assert meta["position"] == last
    assert _decode(messages[0]["payload"], encoding) == str((count // limit) * limit + 1)
    assert _decode(messages[-1]["payload"], encoding) == str(count)
    messages, meta = chunk(f"position={last}&limit={limit}")
    assert messages == [] and (meta["position"], meta["start"]) == (last, start)

    for query in ("limit=0", "limit=limit", *(f"max_payload_bytes={v}" for v in ("0", "-1", "-1MB", "0MB"))):
        assert _json(_get(sim, path, query), 400)["code"] == "BAD_REQUEST", query


@pytest.mark.parametrize("encoding", ["base64", "plain"])
def test_t_mqueue_messages(simulate: Simulate, encoding: str) -> None:
    """SUITE t_mqueue_messages: 100 queued messages of a disconnected client, whole and by position."""
    sim = simulate(
        [
            {
                "clientid": "t_mqueue_messages",
                "proto_ver": 5,
                "expiry_interval": 120,
                "state": "disconnected",
                "subscriptions": {MQUEUE_TOPIC: 1},
                "mqueue": {"topic": MQUEUE_TOPIC, "qos": 1, "count": 100},
            }
        ]
    )
    path = "/clients/t_mqueue_messages/mqueue_messages"
    _check_messages(sim, path, MQUEUE_TOPIC, 100, encoding, mqueue=True)
    assert _json(_get(sim, path, "limit=10&position=not-valid"), 400)["code"] == "INVALID_PARAMETER"
    assert _json(_get(sim, path, "limit=-5&position=not-valid"), 400)["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("encoding", ["base64", "plain"])
def test_t_inflight_messages(simulate: Simulate, encoding: str) -> None:
    """SUITE t_inflight_messages: a full in-flight window of 32 unacknowledged messages, whole and by position."""
    sim = simulate(
        [
            {
                "clientid": "t_inflight_messages",
                "proto_ver": 5,
                "subscriptions": {INFLIGHT_TOPIC: 1},
                "inflight": {"topic": INFLIGHT_TOPIC, "qos": 1, "count": 32},
            }
        ]
    )
    path = "/clients/t_inflight_messages/inflight_messages"
    _check_messages(sim, path, INFLIGHT_TOPIC, 32, encoding, mqueue=False)
    assert _json(_get(sim, path, "limit=10&position=not-int"), 400)["code"] == "INVALID_PARAMETER"
    assert _json(_get(sim, path, "limit=-5&position=invalid-int"), 400)["code"] == "BAD_REQUEST"


# Subscriptions ---------------------------------------------------------------------------------------------------


def test_t_subscribe_shared_topic(simulate: Simulate) -> None:
    """SUITE t_subscribe_shared_topic: shared and plain filters, singly and in bulk, then unsubscribed."""
    sim = simulate([{"clientid": "client_subscribe_shared"}, {"clientid": "publish_client"}])
    path = "/clients/client_subscribe_shared"
    shared, plain = "$share/group/testtopic", "t/#"

    def subscription(topic: str) -> dict[str, Any]:
        return {"topic": topic, "qos": 1, "nl": 0, "rh": 1}

    _json(_post(sim, f"{path}/subscribe", subscription(shared)))
    _json(_post(sim, f"{path}/subscribe/bulk", [subscription(shared), subscription(plain)]))
    held = _json(_get(sim, f"{path}/subscriptions"))
    expected = [{**subscription(topic), "rap": 0, "clientid": "client_subscribe_shared"} for topic in (shared, plain)]
    assert sorted(({key: item[key] for key in expected[0]} for item in held), key=lambda s: s["topic"]) == expected
    assert len(held) == 2

    _no_content(_post(sim, f"{path}/unsubscribe", {"topic": shared}))
    _no_content(_post(sim, f"{path}/unsubscribe/bulk", [{"topic": shared}, {"topic": plain}]))
    assert _json(_get(sim, f"{path}/subscriptions")) == []


def test_t_subscribe_shared_topic_nl(simulate: Simulate) -> None:
    """SUITE t_subscribe_shared_topic_nl: no_local on a shared subscription is 400 INVALID_PARAMETER."""
    sim = simulate([{"clientid": "client_subscribe_shared"}])
    body = {"topic": "$share/group/testtopic", "qos": 1, "nl": 1, "rh": 1}
    refused = _json(_post(sim, "/clients/client_subscribe_shared/subscribe", body), 400)
    assert refused["code"] == "INVALID_PARAMETER"
    assert refused["message"].startswith("Invalid Subscribe options: `no_local` not allowed for shared-sub")


def test_t_bulk_subscribe(simulate: Simulate) -> None:
    """SUITE t_bulk_subscribe: bulk subscribe and unsubscribe a client of the other node of two."""
    sim = simulate([{"clientid": "bulk-sub1", "node": NODE2}, {"clientid": "bulk-sub2", "node": NODE1}], nodes=2)
    path = "/clients/bulk-sub1"
    [echo] = _json(_post(sim, f"{path}/subscribe/bulk", [{"topic": "testtopic", "qos": 1, "nl": 1, "rh": 1}]))
    assert echo["topic"] == "testtopic"
    [held] = _json(_get(sim, f"{path}/subscriptions"))
    assert held["topic"] == "testtopic"
    _no_content(_post(sim, f"{path}/unsubscribe/bulk", [{"topic": "testtopic"}]))
    assert _json(_get(sim, f"{path}/subscriptions")) == []
