"""The simulation as a whole: the document's examples, determinism, time, and concurrent use."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from simulator.app import create_app
from simulator.config import Config
from simulator.domain.client import ConnState
from simulator.domain.clock import Clock
from simulator.domain.query import ClientQuery
from simulator.domain.snapshot import client_to_data
from tests.conftest import API, AUTH, FROZEN_AT, make_config
from tests.support.oracles import descending
from tests.support.simulation import generated

DOC = ("app_id", "app_secret")


def test_the_documents_examples_work_on_a_fresh_server(make_client: Callable[..., Any]) -> None:
    listing = make_client(clients=1000).get(f"{API}/clients?_page=1&_limit=50", auth=DOC)
    assert listing.status_code == 200 and len(listing.json()["data"]) == 50
    assert make_client().get(f"{API}/clients/client_1", auth=("app_id", "app_ssecret")).status_code == 401
    assert make_client().get(f"{API}/clients/client_1", auth=DOC).status_code == 200
    assert make_client().delete(f"{API}/clients/client_1", auth=DOC).status_code == 204
    subscribed = make_client().post(f"{API}/clients/client_1/subscribe", auth=DOC, json={"topic": "t/a", "qos": 1})
    assert subscribed.status_code == 200 and subscribed.json()["qos"] == 1
    assert make_client().post(f"{API}/clients/client_1/unsubscribe", auth=DOC, json={"topic": "t/a"}).status_code == 204
    bulk = make_client().post(
        f"{API}/clients/client_1/subscribe/bulk",
        auth=DOC,
        json=[{"topic": "t/a", "qos": 1}, {"topic": "t/b", "qos": 0}],
    )
    assert bulk.status_code == 200 and [s["topic"] for s in bulk.json()] == ["t/a", "t/b"]
    unbulk = make_client().post(
        f"{API}/clients/client_1/unsubscribe/bulk", auth=DOC, json=[{"topic": "t/a"}, {"topic": "t/b"}]
    )
    assert unbulk.status_code == 204


def test_same_seed_and_instant_give_identical_bytes(make_client: Callable[..., Any]) -> None:
    first, second = make_client(), make_client()
    for path in ("/clients?_limit=10000", "/clients?conn_state=disconnected", "/clients/mqttx_07cb8109"):
        assert first.get(API + path, auth=AUTH).content == second.get(API + path, auth=AUTH).content


def test_different_seeds_give_different_populations(make_client: Callable[..., Any]) -> None:
    first = make_client(seed=1).get(f"{API}/clients?_limit=10000", auth=AUTH).json()["data"]
    second = make_client(seed=2).get(f"{API}/clients?_limit=10000", auth=AUTH).json()["data"]
    assert {c["clientid"] for c in first} != {c["clientid"] for c in second}


def _app_with_clock(**overrides: Any) -> tuple[Any, Clock]:
    config = make_config(**overrides)
    clock = Clock.frozen(FROZEN_AT)
    simulation = generated(clock, seed=config.seed, size=config.clients, nodes=config.nodes)
    return create_app(config, simulation).test_client(), clock


def test_counters_follow_the_clock() -> None:
    client, clock = _app_with_clock()
    before = client.get(f"{API}/clients?conn_state=connected&_limit=10000", auth=AUTH).json()["data"]
    clock.advance(3600)
    after = {
        c["clientid"]: c
        for c in client.get(f"{API}/clients?conn_state=connected&_limit=10000", auth=AUTH).json()["data"]
    }
    grew = 0
    for item in before:
        later = after[item["clientid"]]
        assert later["connected_at"] == item["connected_at"]
        for name in ("recv_oct", "recv_pkt", "recv_msg", "send_oct", "reductions"):
            assert later[name] >= item[name]
        grew += later["recv_msg"] > item["recv_msg"]
    assert grew > len(before) // 2


def test_expired_sessions_disappear() -> None:
    client, clock = _app_with_clock()
    disconnected = client.get(f"{API}/clients?conn_state=disconnected&_limit=10000", auth=AUTH).json()
    assert disconnected["meta"]["count"] > 0
    clock.advance(2 * 86400)
    after = client.get(f"{API}/clients?conn_state=disconnected", auth=AUTH).json()
    assert after["meta"]["count"] == 0
    gone = disconnected["data"][0]["clientid"]
    assert client.get(f"{API}/clients/{gone}", auth=AUTH).status_code == 404


@pytest.mark.slow
def test_concurrent_changes_keep_every_invariant() -> None:
    config: Config = make_config(clients=200, validate_responses=False)
    app = create_app(config)
    client = app.test_client()
    ids = [c["clientid"] for c in client.get(f"{API}/clients?_limit=10000", auth=AUTH).json()["data"]]
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        own = app.test_client()
        seen = []
        for step in range(60):
            target = ids[(offset * 7 + step) % 40]
            kind = (offset + step) % 5
            if kind == 0:
                response = own.delete(f"{API}/clients/{target}", auth=AUTH)
            elif kind in (1, 2):
                body = [{"topic": f"c/{offset}/{step}/{n}"} for n in range(3)]
                response = own.post(f"{API}/clients/{target}/subscribe/bulk", auth=AUTH, json=body)
            elif kind == 3:
                response = own.post(f"{API}/clients/{target}/unsubscribe", auth=AUTH, json={"topic": f"c/{offset}/0/0"})
            else:
                response = own.get(f"{API}/clients?_limit=50", auth=AUTH)
            seen.append(response.status_code)
        with lock:
            statuses.extend(seen)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 480
    assert all(status < 500 for status in statuses)
    assert set(statuses) <= {200, 204, 404}
    listing = client.get(f"{API}/clients?_limit=10000", auth=AUTH).json()
    assert listing["meta"]["count"] == len(listing["data"])
    for item in listing["data"]:
        assert 0 <= item["subscriptions_cnt"] <= item["subscriptions_max"]
    remaining = {c["clientid"] for c in listing["data"]}
    for clientid in ids[:40]:
        status = client.get(f"{API}/clients/{clientid}", auth=AUTH).status_code
        assert status == (200 if clientid in remaining else 404)


@pytest.mark.slow
def test_a_large_state_exports_small_and_states_of_format_1_are_still_read() -> None:
    source = generated(Clock.frozen(FROZEN_AT), seed=3, size=20_000, nodes=2)
    kicked = [client.clientid for client in source.list_clients(ClientQuery(), 7, 3)[0].clients]
    for clientid in kicked:
        source.kick(clientid)
    state = source.export_state()
    assert sorted(state["removed"]) == sorted(kicked) and len(json.dumps(state)) < 10_000
    full = {**state, "format": "emqx-sim-state/1"}
    full["clients"] = [client_to_data(client) for client in descending(source._registry)]
    del full["removed"]
    for exported in (state, full):
        target = generated(Clock.frozen(FROZEN_AT), seed=9, size=5, nodes=1)
        target.import_state(exported)
        assert target.status() == source.status()
        for query in (ClientQuery(), ClientQuery(conn_state=ConnState.DISCONNECTED)):
            assert target.list_clients(query, 3, 500)[0] == source.list_clients(query, 3, 500)[0]
