"""The registry: listing order, removal and session expiry; and its column indexes, which answer every filter,
count and page exactly as a scan of every client does, at 200,000 clients and after random kicks, subscribes,
state changes and clock moves."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import fields, replace

import numpy as np
import pytest

from simulator.domain import registry as registry_module
from simulator.domain.churn import Churn
from simulator.domain.client import Client, ConnState, SubOpts, subscribe
from simulator.domain.clock import Clock
from simulator.domain.population import PopulationSpec, build
from simulator.domain.query import ClientQuery, Page
from simulator.domain.registry import Registry
from simulator.domain.setup import Setup
from simulator.service import Simulation
from tests.support.oracles import all_clients, descending, generate, select

NOW = 1_694_770_580_000


def test_descending_byte_order_and_removal() -> None:
    clients = generate(PopulationSpec(seed=2, clients=500, nodes=2, now_ms=NOW))
    registry = Registry(clients)
    ids = [c.clientid for c in descending(registry)]
    assert ids == sorted(ids, key=str.encode, reverse=True)
    removed = registry.get(ids[3])
    assert removed is not None
    registry.remove(ids[3])
    assert ids[3] not in [c.clientid for c in descending(registry)]
    assert registry.get(ids[3]) is None and len(registry) == 499
    registry.remove("no-such-client")
    assert len(registry) == 499
    registry.add(removed)
    assert [c.clientid for c in descending(registry)] == ids


def test_disconnected_sessions_expire_with_time() -> None:
    clients = generate(PopulationSpec(seed=2, clients=2000, nodes=2, now_ms=NOW))
    registry = Registry(clients)
    disconnected = [c for c in clients if c.state is ConnState.DISCONNECTED]
    assert disconnected
    assert registry.expire(NOW).size == 0
    first = min(disconnected, key=lambda c: c.expires_at_ms or 0)
    gone = [registry.clientid(row) for row in registry.expire(first.expires_at_ms or 0).tolist()]
    assert first.clientid in gone
    assert registry.get(first.clientid) is None
    everything = registry.expire(NOW + 2 * 86_400_000)
    assert len(gone) + len(everything) == len(disconnected)
    assert all(c.state is not ConnState.DISCONNECTED for c in descending(registry))


def _scan(model: dict[str, Client], query: ClientQuery, page: int, limit: int) -> Page:
    """The reference: every client in clientid-descending order, tested one by one."""
    ordered = sorted(model.values(), key=lambda client: client.clientid, reverse=True)
    return select(ordered, query, page, limit)


def _summary(page: Page) -> tuple[object, ...]:
    clients = [(c.clientid, c.state, c.disconnected_at_ms, sorted(c.subscriptions.items())) for c in page.clients]
    return page.count, page.hasnext, clients


def _queries(rng: random.Random, model: dict[str, Client], count: int) -> list[ClientQuery]:
    """Random filter combinations, with values taken from live clients (so that they match) or made up."""
    clients = list(model.values())
    queries = []
    for _ in range(count):
        one = rng.choice(clients)
        ident = one.identity
        start = rng.randrange(len(ident.clientid))
        other = rng.choice(clients).identity
        candidates = {
            "clientid": (ident.clientid if rng.random() < 0.8 else "no-such-client", other.clientid)[
                : rng.randint(1, 2)
            ],
            "username": (ident.username or "nobody", other.username or "nobody")[: rng.randint(1, 2)],
            "node": rng.choice((ident.node, "emqx@10.0.0.9")),
            "like_ip_address": ident.ip_address[start % len(ident.ip_address) :][: rng.randint(1, 5)],
            "zone": ident.zone,
            "ip_address": ident.ip_address,
            "conn_state": rng.choice(list(ConnState)),
            "clean_start": rng.random() < 0.5,
            "proto_name": rng.choice(("MQTT", "MQTT-SN", "CoAP")),
            "proto_ver": rng.choice((1, 3, 4, 5, 6)),
            "like_clientid": ident.clientid[start : start + rng.randint(1, 4)],
            "like_username": (ident.username or "ab")[: rng.randint(1, 3)],
            "gte_created_at": one.created_at_ms - rng.choice((0, rng.randint(0, 3_600_000))),
            "lte_created_at": one.created_at_ms + rng.choice((0, rng.randint(0, 3_600_000))),
            "gte_connected_at": one.connected_at_ms - rng.choice((0, rng.randint(0, 86_400_000))),
            "lte_connected_at": one.connected_at_ms + rng.choice((0, rng.randint(0, 86_400_000))),
        }
        chosen = rng.sample(sorted(candidates), rng.randint(1, 3))
        queries.append(ClientQuery(**{name: candidates[name] for name in chosen}))
    queries += [
        ClientQuery(conn_state=ConnState.DISCONNECTED, proto_ver=5),
        ClientQuery(clean_start=False),
        ClientQuery(proto_name="CoAP"),
        ClientQuery(like_clientid="device-"),
        ClientQuery(username=("nobody", clients[1].identity.username or "nobody"), node="emqx@10.0.0.2"),
        ClientQuery(lte_created_at=clients[0].created_at_ms, gte_created_at=clients[0].created_at_ms),
        ClientQuery(lte_connected_at=clients[-1].connected_at_ms, gte_connected_at=clients[-1].connected_at_ms),
    ]
    assert {f.name for f in fields(ClientQuery)} == set(candidates)
    return queries


def _agree(registry: Registry, model: dict[str, Client], queries: list[ClientQuery], rng: random.Random) -> int:
    checked = 0
    for query in queries:
        reference = _scan(model, query, 1, 10**9)
        matched = len(reference.clients)
        ids = [client.clientid for client in reference.clients]
        assert registry.count(query) == matched
        exact, _ = query.split()
        exact_ids = [client.clientid for client in _scan(model, exact, 1, 10**9).clients]
        for after in (None, *rng.sample(ids, min(2, len(ids))), "zzzz", ""):
            rows, keep = registry.scan(query, after)
            following = [clientid for clientid in exact_ids if after is None or clientid < after]
            assert [registry.clientid(int(row)) for row in rows] == following, (query, after)
            kept = [registry.clientid(int(row)) for row in rows[keep]]
            assert kept == [clientid for clientid in ids if after is None or clientid < after], (query, after)
        for page, limit in {(1, 100), (1, 1), (rng.randint(1, 40), rng.choice((7, 50))), (max(1, matched // 3), 3)}:
            expected = select(reference.clients, ClientQuery(), page, limit)
            got = registry.select(query, page, limit)
            assert _summary(got)[1:] == _summary(expected)[1:], (query, page, limit)
            assert got.count == (None if query.fuzzy else matched), query
            checked += 1
    return checked


@pytest.fixture(scope="module")
def large() -> tuple[Registry, dict[str, Client]]:
    population = build(PopulationSpec(seed=2024, clients=200_000, nodes=3, now_ms=NOW))
    registry = Registry(population=population)
    return registry, {client.clientid: client for client in all_clients(population)}


@pytest.mark.slow
def test_200k_clients_filter_count_and_page_like_a_scan(large: tuple[Registry, dict[str, Client]]) -> None:
    registry, model = large
    assert len(registry) == len(model) == 200_000
    rng = random.Random(17)
    checked = _agree(registry, model, _queries(rng, model, 25), rng)
    assert checked >= 100
    ordered = sorted(model, reverse=True)
    for page in (1, 2, 999, 1000, 1999, 2000, 2001):
        got = registry.select(ClientQuery(), page, 100)
        assert [c.clientid for c in got.clients] == ordered[(page - 1) * 100 : page * 100]
        assert (got.count, got.hasnext) == (200_000, page < 2000)


@pytest.mark.slow
def test_indexes_follow_kicks_subscribes_state_changes_and_the_clock() -> None:
    population = build(PopulationSpec(seed=5, clients=4000, nodes=2, now_ms=NOW))
    registry = Registry(population=population)
    model = {client.clientid: client for client in all_clients(population)}
    rng = random.Random(99)
    now = NOW
    kinds: set[str] = set()
    for _step in range(60):
        clientid = rng.choice(sorted(model))
        roll = rng.random()
        if roll < 0.3:
            kinds.add("kick")
            registry.remove(clientid)
            del model[clientid]
        elif roll < 0.55:
            kinds.add("subscribe")
            kept = registry.touch(clientid)
            assert kept is not None
            topic, opts = f"room/{rng.randrange(50)}", SubOpts(qos=rng.randrange(3))
            assert subscribe(kept, topic, opts) == subscribe(model[clientid], topic, opts)
        elif roll < 0.8:
            kinds.add("state")
            kept, mirror = registry.touch(clientid), model[clientid]
            assert kept is not None
            for client in (kept, mirror):
                if client.state is ConnState.DISCONNECTED:
                    client.state, client.connected_at_ms, client.disconnected_at_ms = ConnState.CONNECTED, now, None
                elif client.identity.expiry_interval > 0:
                    client.state, client.disconnected_at_ms = ConnState.DISCONNECTED, now
            registry.add(kept)
        else:
            kinds.add("clock")
            now += rng.randint(60, 4 * 3600) * 1000
            gone = {registry.clientid(row) for row in registry.expire(now).tolist()}
            expected = {c.clientid for c in model.values() if c.expires_at_ms is not None and c.expires_at_ms <= now}
            assert gone == expected
            for done in gone:
                del model[done]
        assert len(registry) == len(model)
        _agree(registry, model, _queries(rng, model, 3), rng)
    assert kinds == {"kick", "subscribe", "state", "clock"}
    assert [c.clientid for c in descending(registry)] == sorted(model, reverse=True)


@pytest.mark.slow
def test_indexes_follow_churn_kicks_added_clients_and_a_regenerate(monkeypatch: pytest.MonkeyPatch) -> None:
    """After churn moves thousands of clients in the columns alone, newcomers are merged into the order and kicks
    leave dead rows, every filter and page still answers as a scan of the clients the registry hands out (also
    when a substring filter reads the rows in short runs, so that added rows fall between and beyond them); and a
    regenerated population answers afresh."""
    spec = PopulationSpec(seed=12, clients=40_000, nodes=3, now_ms=NOW)
    simulation = Simulation(Clock.frozen(NOW), spec, churn=Churn(disconnects=0.05, reconnects=0.3, arrivals=60))
    rng = random.Random(3)
    simulation.advance(10 * 60)
    registry = simulation._registry
    for clientid in rng.sample(sorted(registry._ids[:40_000]), 300):
        simulation.kick_many([clientid])
    model = {client.clientid: client for client in descending(registry)}
    assert len(model) == len(registry) and len(registry._ids) > 40_000 + 500
    _agree(registry, model, _queries(rng, model, 12), rng)
    monkeypatch.setattr(registry_module, "FUZZY_ROWS", 97)
    fuzzy = [ClientQuery(like_clientid=clientid[3:6]) for clientid in rng.sample(sorted(model), 6)]
    _agree(registry, model, [*fuzzy, ClientQuery(like_username="a", conn_state=ConnState.CONNECTED)], rng)
    monkeypatch.undo()
    simulation.regenerate(Setup(replace(spec, seed=13, now_ms=simulation.clock.now_ms()), None, "default"))
    registry = simulation._registry
    model = {client.clientid: client for client in descending(registry)}
    assert len(model) == 40_000
    _agree(registry, model, _queries(rng, model, 6), rng)


def test_text_filters_follow_clients_given_another_user_name_or_address() -> None:
    """A generated client replaced by one with another user name (or none) or address is found by its new
    values and no longer by its old ones, exactly and by substring, as a scan finds it."""
    registry = Registry(population=build(PopulationSpec(seed=21, clients=3000, nodes=2, now_ms=NOW)))
    model = {client.clientid: client for client in descending(registry)}
    rng = random.Random(5)
    old = []
    for clientid in rng.sample(sorted(model), 300):
        client = model[clientid]
        old.append(client.identity)
        identity = replace(
            client.identity,
            username=rng.choice([None, "", "zed.new", client.identity.username]),
            ip_address=rng.choice(["10.9.8.7", "2001:db8::5", client.identity.ip_address]),
        )
        model[clientid] = replace(client, identity=identity)
        registry.add(model[clientid])
    queries = [
        ClientQuery(username=("zed.new",)),
        ClientQuery(username=("",)),
        ClientQuery(username=("zed.new", old[0].username or "x", old[1].username or "y")),
        ClientQuery(like_username="zed"),
        ClientQuery(like_username=""),
        ClientQuery(ip_address="10.9.8.7"),
        ClientQuery(ip_address=old[2].ip_address),
        ClientQuery(like_ip_address="db8"),
        ClientQuery(like_ip_address=old[3].ip_address[:5]),
    ]
    assert registry.count(queries[0]) > 50 and registry.count(queries[5]) > 50
    _agree(registry, model, queries + _queries(rng, model, 4), rng)


def test_a_substring_filter_read_in_runs_pages_like_a_scan_with_added_clients_at_every_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page under a substring filter reads the rows from the first listed, in runs, until it has found the page
    and one more: whatever the runs' length, with added clients listed before, between and after the generated
    ones (at a run's either end among them), every page and `hasnext` are those of a scan."""
    registry = Registry(population=build(PopulationSpec(seed=8, clients=120, nodes=1, now_ms=NOW)))
    model = {client.clientid: client for client in descending(registry)}
    generated = sorted(model)
    for clientid in ["!first", *generated[::3], "~last"]:
        template = model[generated[len(clientid) % len(generated)]]
        added = replace(template, identity=replace(template.identity, clientid=clientid + "+"))
        model[added.clientid] = added
        registry.add(added)
    registry.remove(generated[40])
    del model[generated[40]]
    queries = [ClientQuery(like_clientid=""), ClientQuery(like_clientid="+"), ClientQuery(like_clientid="a")]
    for rows in (1, 2, 3, 5, 8):
        monkeypatch.setattr(registry_module, "FUZZY_ROWS", rows)
        for query in queries:
            reference = _scan(model, query, 1, 10**9).clients
            for limit in (1, 2, 3, 7):
                for page in range(1, len(reference) // limit + 3):
                    got = registry.select(query, page, limit)
                    expected = select(reference, ClientQuery(), page, limit)
                    assert _summary(got)[1:] == _summary(expected)[1:], (rows, query, page, limit)


def test_time_bounds_beyond_every_row_follow_every_change() -> None:
    """A bound at or beyond every client's time keeps them all, and one client added past it, kicked, or moved
    by churn is then counted as a scan counts it (the extremes the registry keeps of each time column only widen)."""
    churn = Churn(disconnects=0.2, reconnects=0.9, arrivals=0)
    simulation = Simulation(Clock.frozen(NOW), PopulationSpec(seed=4, clients=3000, nodes=2, now_ms=NOW), churn=churn)
    registry = simulation._registry
    clients = descending(registry)
    latest = max(client.created_at_ms for client in clients)
    earliest = min(client.created_at_ms for client in clients)
    everyone = ClientQuery(gte_created_at=earliest, lte_created_at=latest)
    assert registry.count(everyone) == len(clients) == 3000
    newest = replace(clients[0], identity=replace(clients[0].identity, clientid="zz-newest"), created_at_ms=latest + 1)
    registry.add(newest)
    assert registry.count(everyone) == 3000
    assert registry.count(ClientQuery(gte_created_at=latest + 1)) == 1
    registry.remove(clients[5].clientid)
    assert registry.count(everyone) == 2999
    assert registry.count(ClientQuery()) == registry.count(ClientQuery(lte_created_at=latest + 1)) == 3000
    connected = max(client.connected_at_ms for client in clients)
    simulation.advance(120)
    model = {client.clientid: client for client in descending(registry)}
    assert sum(client.connected_at_ms > connected for client in model.values()) > 100
    for bound in (connected, simulation.clock.now_ms() - 1, simulation.clock.now_ms()):
        query = ClientQuery(lte_connected_at=bound)
        assert registry.count(query) == sum(c.connected_at_ms <= bound for c in model.values()), bound


def test_columns_of_codes_widen_past_a_byte_of_distinct_values() -> None:
    """Zones, nodes and protocol versions are kept as byte codes until a table holds more than 128 values: clients
    given 300 zones, nodes and versions (a scenario may give any) are then filtered and counted as a scan does."""
    registry = Registry(population=build(PopulationSpec(seed=6, clients=1500, nodes=3, now_ms=NOW)))
    model = {client.clientid: client for client in descending(registry)}
    for index, clientid in enumerate(sorted(model)[:300]):
        client = model[clientid]
        identity = replace(client.identity, zone=f"zone-{index}", node=f"emqx@10.1.{index}.1", proto_ver=1000 + index)
        model[clientid] = replace(client, identity=identity)
        registry.add(model[clientid])
    assert registry._zone.dtype == registry._node.dtype == registry._proto_ver.dtype == np.int32
    assert registry._proto_name.dtype == np.int8
    queries = [
        ClientQuery(zone="zone-299"),
        ClientQuery(node="emqx@10.1.200.1"),
        ClientQuery(proto_ver=1250),
        ClientQuery(proto_ver=5, zone="default"),
        ClientQuery(proto_ver=2**70),
    ]
    _agree(registry, model, queries, random.Random(2))
    live = list(model.values())
    assert registry.counts().by_protocol == Counter((c.identity.proto_name, c.identity.proto_ver) for c in live)


def test_pages_listed_before_clients_are_added_list_them_after() -> None:
    """What a page remembers of the listing order (every row's place, while there are few) is made again when a
    client is added: a page read before and after each addition shows it at its place."""
    registry = Registry(population=build(PopulationSpec(seed=9, clients=400, nodes=1, now_ms=NOW)))
    model = {client.clientid: client for client in descending(registry)}
    for clientid in ("!first", sorted(model)[200] + "+", "~last"):
        assert len(registry.select(ClientQuery(), 1, 1000).clients) == len(model)
        template = next(iter(model.values()))
        added = replace(template, identity=replace(template.identity, clientid=clientid))
        registry.add(added)
        model[clientid] = added
        page = registry.select(ClientQuery(), 1, 1000)
        assert [client.clientid for client in page.clients] == sorted(model, reverse=True)
        assert page.count == len(model)
