"""The byte cache and the unfiltered page answer exactly what the plain code paths answer."""

from __future__ import annotations

import random

import orjson
import pytest

from simulator import views
from simulator.cache import ByteCache
from simulator.domain.client import SubOpts, subscribe, unsubscribe
from simulator.domain.clock import Clock
from simulator.domain.query import ClientQuery
from simulator.domain.subscription import SubscribeRequest
from tests.support.oracles import descending, select
from tests.support.simulation import generated

NOW = 1_694_770_580_000


def test_window_agrees_with_a_walk_after_random_kicks() -> None:
    simulation = generated(Clock.frozen(NOW), seed=4, size=500, nodes=3)
    rng = random.Random(1)
    for _ in range(5):
        for clientid in rng.sample(sorted(c.clientid for c in descending(simulation._registry)), 20):
            simulation.kick(clientid)
        for page, limit in ((1, 1), (1, 100), (3, 37), (13, 37), (50, 10), (1, 10000)):
            fast, _ = simulation.list_clients(ClientQuery(), page, limit)
            slow = select(descending(simulation._registry), ClientQuery(), page, limit)
            assert fast == slow


def test_cached_bytes_follow_changes_and_time() -> None:
    clock = Clock.frozen(NOW)
    simulation = generated(clock, seed=4, size=200, nodes=3)
    renderer = ByteCache()
    rng = random.Random(2)

    def check() -> None:
        page, snapshot = simulation.list_clients(ClientQuery(), 1, 200)
        plain = {"meta": views.page_meta(page), "data": [views.client_view(c, snapshot.now_ms) for c in page.clients]}
        assert renderer.page(page, snapshot.now_ms) == orjson.dumps(plain)

    check()
    for step in range(30):
        # Changed as the simulation changes a client: through the registry's `touch`, which makes a new version.
        client = simulation._registry.touch(rng.choice(list(descending(simulation._registry))).clientid)
        assert client is not None
        if step % 3 == 0:
            subscribe(client, f"t/{step}", SubOpts(qos=1))
        elif step % 3 == 1:
            unsubscribe(client, next(iter(client.subscriptions), "none"))
        else:
            clock.advance(rng.choice((0.2, 1, 30)))
        check()


def test_cached_pages_follow_every_change_and_time() -> None:
    clock = Clock.frozen(NOW)
    simulation = generated(clock, seed=4, size=200, nodes=3)
    renderer = ByteCache()
    query = ClientQuery(proto_name="MQTT")

    def listed() -> bytes:
        return renderer.listing((query, 1, 50), simulation.revision(), lambda: simulation.list_clients(query, 1, 50))

    def plain() -> bytes:
        page, snapshot = simulation.list_clients(query, 1, 50)
        return ByteCache().page(page, snapshot.now_ms)

    assert listed() == plain()
    first = orjson.loads(listed())["data"][0]
    simulation.subscribe(first["clientid"], SubscribeRequest("t/cached", SubOpts()))
    assert listed() == plain()
    assert orjson.loads(listed())["data"][0]["subscriptions_cnt"] == first["subscriptions_cnt"] + 1
    simulation.kick(first["clientid"])
    assert listed() == plain()
    assert first["clientid"] not in {c["clientid"] for c in orjson.loads(listed())["data"]}
    before = listed()
    clock.advance(1)
    assert listed() == plain() and listed() != before


def test_a_page_of_clients_serialized_this_second_is_not_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock.frozen(NOW)
    simulation = generated(clock, seed=4, size=200, nodes=3)
    renderer = ByteCache()
    registry = simulation._registry
    built: list[int] = []
    clients = registry.clients
    monkeypatch.setattr(registry, "clients", lambda rows, cached=True: built.append(rows.size) or clients(rows, cached))

    def listed(query: ClientQuery) -> bytes:
        compute = lambda: simulation.list_clients(query, 1, 50, renderer.joined)  # noqa: E731
        return renderer.listing((query, 1, 50), simulation.revision(), compute)

    def plain(query: ClientQuery) -> bytes:
        page, snapshot = simulation.list_clients(query, 1, 50)
        return ByteCache().page(page, snapshot.now_ms)

    every = listed(ClientQuery())
    assert built == [50]
    # Another query whose first page holds the same clients: its meta is its own, its clients the bytes made above.
    since = listed(ClientQuery(gte_created_at=1))
    assert built == [50] and since == every == plain(ClientQuery(gte_created_at=1))
    changed = orjson.loads(every)["data"][0]["clientid"]
    simulation.subscribe(changed, SubscribeRequest("t/seen", SubOpts()))
    built.clear()
    after = listed(ClientQuery(gte_created_at=2))
    assert built == [50] and after == plain(ClientQuery(gte_created_at=2)) != every
    clock.advance(1)
    built.clear()
    later = listed(ClientQuery(gte_created_at=3))
    assert built == [50] and later == plain(ClientQuery(gte_created_at=3)) != after
