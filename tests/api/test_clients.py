"""The Clients API operations through HTTP, with response validation on: lists, look-ups, kicks, subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from simulator import spec
from tests.conftest import API, AUTH, FROZEN_AT

CLIENT_FIELDS = set(spec.load()["components"]["schemas"]["MqttClient"]["properties"])


def _list(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/clients?{query}", auth=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _all(client: Any, query: str = "") -> list[dict[str, Any]]:
    return list(_list(client, f"_limit=10000&{query}")["data"])


def _get(client: Any, clientid: str) -> dict[str, Any]:
    response = client.get(f"{API}/clients/{clientid}", auth=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _subscribe(client: Any, clientid: str, body: Any, bulk: bool = False) -> Any:
    suffix = "/bulk" if bulk else ""
    return client.post(f"{API}/clients/{clientid}/subscribe{suffix}", auth=AUTH, json=body)


def _unsubscribe(client: Any, clientid: str, body: Any, bulk: bool = False) -> Any:
    suffix = "/bulk" if bulk else ""
    return client.post(f"{API}/clients/{clientid}/unsubscribe{suffix}", auth=AUTH, json=body)


def test_default_page(client: Any) -> None:
    body = _list(client)
    assert body["meta"] == {"page": 1, "limit": 100, "hasnext": True, "count": 300}
    assert len(body["data"]) == 100
    ids = [c["clientid"] for c in body["data"]]
    assert ids == sorted(ids, key=str.encode, reverse=True)


def test_every_client_has_every_field_and_consistent_values(client: Any) -> None:
    for item in _all(client):
        assert set(item) <= CLIENT_FIELDS
        assert CLIENT_FIELDS - set(item) <= {"disconnected_at"}
        assert ("disconnected_at" in item) == (not item["connected"] and item["expiry_interval"] > 0 and
                                              item["created_at"] <= item["disconnected_at"])  # fmt: skip
        assert item["subscriptions_cnt"] <= item["subscriptions_max"]
        assert item["recv_msg"] == item["recv_msg.qos0"] + item["recv_msg.qos1"] + item["recv_msg.qos2"]
        assert item["created_at"].endswith("+00:00") and len(item["created_at"]) == 29


def test_paging_walks_every_client_once(client: Any) -> None:
    seen: list[str] = []
    for page in range(1, 5):
        body = _list(client, f"_page={page}&_limit=80")
        seen += [c["clientid"] for c in body["data"]]
        assert body["meta"]["hasnext"] == (page < 4)
    assert len(seen) == len(set(seen)) == 300
    past = _list(client, "_page=9&_limit=80")
    assert past == {"meta": {"page": 9, "limit": 80, "hasnext": False, "count": 300}, "data": []}


def test_exact_filters(client: Any) -> None:
    target = _get(client, "mqttx_07cb8109")
    for name in ("clientid", "username", "ip_address"):
        body = _list(client, f"{name}={target[name]}")
        assert [c["clientid"] for c in body["data"]] == ["mqttx_07cb8109"]
        assert body["meta"]["count"] == 1
    assert _list(client, "clientid=MQTTX_07CB8109")["meta"]["count"] == 0


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("conn_state=connected", "connected", True),
        ("clean_start=false", "clean_start", False),
        ("clean_start=TRUE", "clean_start", True),
        ("proto_name=MQTT-SN", "proto_name", "MQTT-SN"),
        ("proto_ver=4", "proto_ver", 4),
        ("zone=external", "zone", "external"),
    ],
)
def test_field_filters(client: Any, query: str, field: str, value: Any) -> None:
    body = _list(client, f"{query}&_limit=10000")
    assert body["data"], query
    assert all(c[field] == value for c in body["data"])
    assert body["meta"]["count"] == len(body["data"])


def test_conn_states_partition_the_population(client: Any) -> None:
    counts = {
        state: _list(client, f"conn_state={state}")["meta"]["count"] for state in ("connected", "idle", "disconnected")
    }
    assert sum(counts.values()) == 300 and all(counts.values())
    for item in _all(client, "conn_state=disconnected"):
        assert item["connected"] is False and "disconnected_at" in item
    for item in _all(client, "conn_state=idle"):
        assert item["connected"] is False and "disconnected_at" not in item


def test_filters_combine_with_and(client: Any) -> None:
    both = _all(client, "proto_ver=5&clean_start=false")
    assert both and all(c["proto_ver"] == 5 and c["clean_start"] is False for c in both)
    assert len(both) < len(_all(client, "proto_ver=5"))


def test_ipv6_filter_matches_any_spelling(client: Any) -> None:
    v6 = next(c for c in _all(client) if ":" in c["ip_address"])
    from ipaddress import ip_address

    spelled = ip_address(v6["ip_address"]).exploded
    assert [c["clientid"] for c in _all(client, f"ip_address={spelled}")] == [v6["clientid"]]


def test_substring_filters_omit_count(client: Any) -> None:
    body = _list(client, "_like_clientid=mqttx_&_limit=10000")
    assert "count" not in body["meta"]
    assert body["data"] and all("mqttx_" in c["clientid"] for c in body["data"])
    users = _list(client, "_like_username=aip_user")
    assert {c["clientid"] for c in users["data"]} >= {"client_1", "mqttx_07cb8109"}
    exact = _list(client, "clientid=client_1&_like_clientid=zzz")
    assert exact["meta"]["count"] == 1


def test_time_ranges_in_seconds_and_milliseconds(client: Any) -> None:
    everyone = _all(client)
    pivot = sorted(c["connected_at"] for c in everyone)[150]
    from simulator.domain.clock import parse_instant

    ms = parse_instant(pivot)
    after_ms = _all(client, f"_gte_connected_at={ms}")
    assert after_ms and all(c["connected_at"] >= pivot for c in after_ms)
    before_ms = _all(client, f"_lte_connected_at={ms}")
    assert all(c["connected_at"] <= pivot for c in before_ms)
    assert len(after_ms) + len(before_ms) >= 300
    seconds = _all(client, f"_gte_created_at={FROZEN_AT // 1000 - 3600}")
    assert seconds == _all(client, f"_gte_created_at={FROZEN_AT - 3_600_000}")
    assert all(c["created_at"] >= "2023-09-15T08:36:20.000+00:00" for c in seconds)
    assert _all(client, f"_gte_created_at={FROZEN_AT + 1}") == []


@pytest.mark.parametrize(
    ("query", "status", "code", "words"),
    [
        ("_limit=0", 400, "BAD_REQUEST", "_limit"),
        ("_limit=10001", 400, "BAD_REQUEST", "10000"),
        ("_page=0", 400, "BAD_REQUEST", "_page"),
        ("_page=x", 400, "BAD_REQUEST", "_page"),
        ("_page=100000000000000000000", 400, "BAD_REQUEST", "_page"),
        ("conn_state=online", 400, "BAD_REQUEST", "conn_state"),
        ("clean_start=yes", 400, "BAD_REQUEST", "clean_start"),
        ("proto_name=mqtt", 400, "BAD_REQUEST", "proto_name"),
        ("_gte_created_at=-1", 400, "BAD_REQUEST", "_gte_created_at"),
        ("_lte_connected_at=soon", 400, "BAD_REQUEST", "_lte_connected_at"),
        ("ip_address=127.0.0.1:8080", 400, "INVALID_PARAMETER", "the ip_address parameter expected type is ip"),
        ("proto_ver=five", 400, "INVALID_PARAMETER", "the proto_ver parameter expected type is integer"),
        ("page=2", 400, "BAD_REQUEST", "unknown query parameter: page"),
        ("_limit=5&_limit=6", 400, "BAD_REQUEST", "query parameter given more than once: _limit"),
        ("_lte_created_at=true&_lte_created_at=0", 400, "BAD_REQUEST", "more than once: _lte_created_at"),
    ],
)
def test_bad_list_parameters(client: Any, query: str, status: int, code: str, words: str) -> None:
    response = client.get(f"{API}/clients?{query}", auth=AUTH)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert words in response.json()["message"]


def test_lenient_mode_ignores_unknown_parameters(make_client: Callable[..., Any]) -> None:
    lenient = make_client(lenient=True)
    response = lenient.get(f"{API}/clients?page=2&limit=5&_limit=2&_limit=3", auth=AUTH)
    assert response.status_code == 200
    assert response.json()["meta"]["limit"] == 3


def test_get_returns_the_bare_client(client: Any) -> None:
    item = _get(client, "client_1")
    assert item["clientid"] == "client_1" and "data" not in item
    assert item["connected"] is True and item["proto_ver"] == 5
    documented = _get(client, "mqttx_07cb8109")
    assert documented["username"] == "aip_user2" and documented["ip_address"] == "115.236.21.86"
    assert documented["connected_at"] == "2023-09-15T09:35:20.871+00:00"


def test_unknown_client_is_404_for_every_operation(client: Any) -> None:
    calls = [
        client.get(f"{API}/clients/ghost", auth=AUTH),
        client.delete(f"{API}/clients/ghost", auth=AUTH),
        _subscribe(client, "ghost", {"topic": "t/a"}),
        _unsubscribe(client, "ghost", {"topic": "t/a"}),
        _subscribe(client, "ghost", [{"topic": "t/a"}], bulk=True),
        _unsubscribe(client, "ghost", [{"topic": "t/a"}], bulk=True),
    ]
    for response in calls:
        assert response.status_code == 404
        assert response.json() == {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}


def test_kick_removes_the_client_everywhere(client: Any) -> None:
    before = _list(client, "_limit=1")["meta"]["count"]
    response = client.delete(f"{API}/clients/client_1", auth=AUTH)
    assert response.status_code == 204 and response.content == b""
    assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404
    assert _list(client, "_limit=1")["meta"]["count"] == before - 1
    assert "client_1" not in {c["clientid"] for c in _all(client)}
    assert _list(client, "clientid=client_1")["meta"]["count"] == 0
    assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 404
    assert _subscribe(client, "client_1", {"topic": "t/a"}).status_code == 404


def test_kick_works_on_disconnected_and_idle_clients(client: Any) -> None:
    for state in ("disconnected", "idle"):
        target = _list(client, f"conn_state={state}&_limit=1")["data"][0]["clientid"]
        assert client.delete(f"{API}/clients/{target}", auth=AUTH).status_code == 204
        assert client.get(f"{API}/clients/{target}", auth=AUTH).status_code == 404


def test_subscribe_echoes_and_counts(client: Any) -> None:
    response = _subscribe(client, "client_1", {"topic": "t/a", "qos": 1})
    assert response.status_code == 200
    node = _get(client, "client_1")["node"]
    assert response.json() == {
        "clientid": "client_1",
        "topic": "t/a",
        "qos": 1,
        "nl": 0,
        "rap": 0,
        "rh": 0,
        "node": node,
    }
    assert _get(client, "client_1")["subscriptions_cnt"] == 1
    again = _subscribe(client, "client_1", {"topic": "t/a", "qos": 2, "rap": 1, "rh": 2, "nl": 1})
    assert again.status_code == 200 and again.json()["qos"] == 2 and again.json()["rh"] == 2
    assert _get(client, "client_1")["subscriptions_cnt"] == 1


def test_subscribe_a_disconnected_client(client: Any) -> None:
    target = _list(client, "conn_state=disconnected&_limit=1")["data"][0]
    response = _subscribe(client, target["clientid"], {"topic": "fresh/topic/#"})
    assert response.status_code == 200
    after = _get(client, target["clientid"])
    assert after["subscriptions_cnt"] in (target["subscriptions_cnt"] + 1, target["subscriptions_max"])


def test_subscribe_beyond_the_quota_adds_nothing(client: Any) -> None:
    maximum = _get(client, "client_1")["subscriptions_max"]
    filled = _subscribe(client, "client_1", [{"topic": f"q/{n}"} for n in range(maximum)], bulk=True)
    assert filled.status_code == 200
    assert _get(client, "client_1")["subscriptions_cnt"] == maximum
    over = _subscribe(client, "client_1", {"topic": "q/one-too-many", "qos": 1})
    assert over.status_code == 200 and over.json()["topic"] == "q/one-too-many"
    assert _get(client, "client_1")["subscriptions_cnt"] == maximum
    replaced = _subscribe(client, "client_1", {"topic": "q/0", "qos": 2})
    assert replaced.status_code == 200
    assert _get(client, "client_1")["subscriptions_cnt"] == maximum
    assert _unsubscribe(client, "client_1", {"topic": "q/one-too-many"}).status_code == 204
    assert _get(client, "client_1")["subscriptions_cnt"] == maximum


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"topic": "a/#/b"}, "INVALID_PARAMETER", "'#' must be the last level"),
        ({"topic": "a/b+"}, "INVALID_PARAMETER", "'+' must stand alone"),
        ({"topic": ""}, "INVALID_PARAMETER", "must not be empty"),
        ({"topic": "a\u0000b"}, "INVALID_PARAMETER", "NUL"),
        ({"topic": "$share/g"}, "INVALID_PARAMETER", "$share/<group>/<filter>"),
        ({"topic": "$share/g/$share/h/t"}, "INVALID_PARAMETER", "do not nest"),
        ({"topic": "x" * 65536}, "INVALID_PARAMETER", "65535 bytes"),
        ({"topic": "$share/g/t", "nl": 1}, "INVALID_PARAMETER", "no_local"),
        ({"topic": "t/a", "qos": 3}, "BAD_REQUEST", "qos"),
        ({"topic": "t/a", "rh": 3}, "BAD_REQUEST", "rh"),
        ({"topic": "t/a", "qos": "1"}, "BAD_REQUEST", "qos"),
        ({"qos": 1}, "BAD_REQUEST", "topic"),
        ({"topic": "t/a", "retain": True}, "BAD_REQUEST", "retain"),
        ({"topic": 5}, "BAD_REQUEST", "topic"),
    ],
)
def test_bad_subscriptions_change_nothing(client: Any, body: dict[str, Any], code: str, words: str) -> None:
    response = _subscribe(client, "client_1", body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert words in response.json()["message"]
    assert _get(client, "client_1")["subscriptions_cnt"] == 0


def test_shared_subscriptions(client: Any) -> None:
    for topic in ("$share/g1/jobs/+", "$queue/tasks"):
        response = _subscribe(client, "client_1", {"topic": topic, "qos": 1})
        assert response.status_code == 200 and response.json()["topic"] == topic
    assert _get(client, "client_1")["subscriptions_cnt"] == 2


def test_unsubscribe_is_204_either_way(client: Any) -> None:
    _subscribe(client, "client_1", {"topic": "t/a"})
    assert _unsubscribe(client, "client_1", {"topic": "t/a"}).status_code == 204
    assert _get(client, "client_1")["subscriptions_cnt"] == 0
    assert _unsubscribe(client, "client_1", {"topic": "never/subscribed"}).status_code == 204
    bad = _unsubscribe(client, "client_1", {"topic": "a/#/b"})
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_PARAMETER"


def test_bulk_subscribe_in_request_order(client: Any) -> None:
    response = _subscribe(client, "client_1", [{"topic": "t/a", "qos": 1}, {"topic": "t/b", "qos": 0}], bulk=True)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert [(item["topic"], item["qos"], item["clientid"]) for item in body] == [
        ("t/a", 1, "client_1"),
        ("t/b", 0, "client_1"),
    ]
    assert _get(client, "client_1")["subscriptions_cnt"] == 2
    assert _unsubscribe(client, "client_1", [{"topic": "t/a"}, {"topic": "t/b"}], bulk=True).status_code == 204
    assert _get(client, "client_1")["subscriptions_cnt"] == 0


@pytest.mark.parametrize(
    "body",
    [
        [{"topic": "ok/1"}, {"topic": "bad/#/x"}],
        [{"topic": "ok/1"}, {"topic": "$share/g/t", "nl": 1}],
        [{"topic": "ok/1"}, {"topic": "ok/2", "qos": 5}],
        {"topic": "ok/1"},
    ],
)
def test_bulk_subscribe_is_all_or_nothing(client: Any, body: Any) -> None:
    response = _subscribe(client, "client_1", body, bulk=True)
    assert response.status_code == 400
    assert response.json()["code"] in ("BAD_REQUEST", "INVALID_PARAMETER")
    assert _get(client, "client_1")["subscriptions_cnt"] == 0


def test_bulk_unsubscribe_is_all_or_nothing(client: Any) -> None:
    _subscribe(client, "client_1", {"topic": "keep/me"})
    response = _unsubscribe(client, "client_1", [{"topic": "keep/me"}, {"topic": "#/bad"}], bulk=True)
    assert response.status_code == 400
    assert _get(client, "client_1")["subscriptions_cnt"] == 1
