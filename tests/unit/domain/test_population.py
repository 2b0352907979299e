"""The generated population: deterministic, varied, and consistent in every client, scenario clients and
newcomers included."""

from __future__ import annotations

import ipaddress
import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from simulator.domain.client import Client, ConnState
from simulator.domain.population import NO_TIME, PopulationSpec, arrivals, build, node_names
from simulator.domain.population.columns import timeline
from simulator.domain.population.details import companies
from simulator.domain.topic import parse_filter
from tests.support.oracles import generate

NOW = 1_694_770_580_000
LATER = NOW + 3_600_000


@pytest.fixture(scope="module")
def population() -> list[Client]:
    return generate(PopulationSpec(seed=11, clients=5000, nodes=3, now_ms=NOW))


def test_same_seed_same_population() -> None:
    spec = PopulationSpec(seed=5, clients=300, nodes=2, now_ms=NOW)
    first, second = generate(spec), generate(spec)
    assert [(c.identity, c.created_at_ms, c.subscriptions, c.traffic) for c in first] == [
        (c.identity, c.created_at_ms, c.subscriptions, c.traffic) for c in second
    ]


def test_different_seeds_differ() -> None:
    first = generate(PopulationSpec(seed=5, clients=100, nodes=2, now_ms=NOW))
    second = generate(PopulationSpec(seed=6, clients=100, nodes=2, now_ms=NOW))
    assert {c.clientid for c in first[2:]} != {c.clientid for c in second[2:]}
    negative = generate(PopulationSpec(seed=-5, clients=100, nodes=2, now_ms=NOW))
    assert {c.clientid for c in negative[2:]} != {c.clientid for c in first[2:]}
    assert negative == generate(PopulationSpec(seed=-5, clients=100, nodes=2, now_ms=NOW))


def test_size_includes_the_documented_clients(population: list[Client]) -> None:
    assert len(population) == 5000
    assert [c.clientid for c in population[:2]] == ["client_1", "mqttx_07cb8109"]
    assert len({c.clientid for c in population}) == 5000
    assert [c.clientid for c in generate(PopulationSpec(seed=1, clients=1, nodes=1, now_ms=NOW))] == ["client_1"]
    assert generate(PopulationSpec(seed=1, clients=0, nodes=1, now_ms=NOW)) == []


def test_documented_client_matches_the_published_example(population: list[Client]) -> None:
    documented = population[1].identity
    assert documented.username == "aip_user2"
    assert (documented.ip_address, documented.port, documented.listener) == ("115.236.21.86", 13312, "tcp:default")
    assert (documented.proto_name, documented.proto_ver, documented.keepalive) == ("MQTT", 5, 60)
    assert (documented.clean_start, documented.expiry_interval) == (True, 0)
    assert population[1].limits.subscriptions_max == 10
    assert documented.node in node_names(3)
    assert population[0].connected and population[0].identity.proto_ver == 5


def test_population_is_varied(population: list[Client]) -> None:
    states = Counter(c.state for c in population)
    assert states[ConnState.CONNECTED] > 3500
    assert states[ConnState.IDLE] > 20
    assert states[ConnState.DISCONNECTED] > 200
    protocols = Counter(c.identity.proto_name for c in population)
    assert protocols["MQTT"] > 4000 and protocols["MQTT-SN"] > 100 and protocols["CoAP"] > 100
    assert {c.identity.proto_ver for c in population if c.identity.proto_name == "MQTT"} == {3, 4, 5}
    assert {c.identity.node for c in population} == set(node_names(3))
    assert {"tcp:default", "ssl:default", "ws:default", "wss:default"} <= {c.identity.listener for c in population}
    assert any(c.identity.username is None for c in population)
    versions = Counter(ipaddress.ip_address(c.identity.ip_address).version for c in population)
    assert versions[4] > 4000 and versions[6] > 100
    prefixes = Counter(c.clientid.split("-")[0].split("_")[0] for c in population)
    assert {"mqttx", "device", "sensor", "ESP32", "nodered"} <= set(prefixes)
    assert len({c.identity.zone for c in population}) >= 2


@pytest.mark.parametrize("now", [NOW, LATER])
def test_every_client_is_consistent(population: list[Client], now: int) -> None:
    for client in population:
        ident, limits, traffic = client.identity, client.limits, client.traffic
        assert client.connected == (client.state is ConnState.CONNECTED)
        assert (client.disconnected_at_ms is not None) == (client.state is ConnState.DISCONNECTED)
        if client.state is ConnState.DISCONNECTED:
            assert ident.expiry_interval > 0
            assert client.connected_at_ms < client.disconnected_at_ms <= NOW  # type: ignore[operator]
            assert client.expires_at_ms is not None and client.expires_at_ms > NOW
        assert ident.clean_start == (ident.expiry_interval == 0)
        assert client.created_at_ms <= client.connected_at_ms <= NOW
        assert len(client.subscriptions) <= limits.subscriptions_max
        for topic, opts in client.subscriptions.items():
            parsed = parse_filter(topic)
            assert not (parsed.shared and opts.nl)
            assert 0 <= opts.qos <= 2
        assert 0 <= traffic.inflight_cnt <= limits.inflight_max
        assert 0 <= traffic.mqueue_len <= limits.mqueue_max
        assert 0 <= traffic.awaiting_rel_cnt <= limits.awaiting_rel_max
        assert 1024 <= ident.port <= 65535
        stats = client.stats(now)
        assert stats.recv_msg == stats.recv_msg_qos0 + stats.recv_msg_qos1 + stats.recv_msg_qos2
        assert stats.send_msg == stats.send_msg_qos0 + stats.send_msg_qos1 + stats.send_msg_qos2
        assert stats.recv_pkt >= stats.recv_msg and stats.send_pkt >= stats.send_msg
        assert stats.recv_oct >= stats.recv_pkt and stats.send_oct >= stats.send_pkt
        assert stats.recv_msg_dropped >= stats.recv_msg_dropped_await_pubrel_timeout
        assert stats.send_msg_dropped == (
            stats.send_msg_dropped_expired + stats.send_msg_dropped_queue_full + stats.send_msg_dropped_too_large
        )
        assert stats.send_msg_dropped_queue_full == traffic.mqueue_dropped


def test_counters_grow_for_connected_clients_only(population: list[Client]) -> None:
    grown = 0
    for client in population:
        before, after = client.stats(NOW), client.stats(LATER)
        for name in ("recv_oct", "recv_pkt", "recv_msg", "send_oct", "send_pkt", "send_msg", "reductions"):
            assert getattr(after, name) >= getattr(before, name)
        if client.state is not ConnState.CONNECTED:
            assert after == before
        elif after.recv_msg > before.recv_msg:
            grown += 1
    assert grown > 1000


def test_timeline_draws_alike_whether_or_not_the_state_is_given() -> None:
    expiry = np.array([0, 300, 7200, 0, 86400] * 40, dtype=np.int32)
    clean = expiry == 0
    drawn = timeline(np.random.default_rng(8), NOW, expiry, clean)
    given = np.where(expiry > 0, 2, 1).astype(np.int8)
    both = (np.random.default_rng(8), np.random.default_rng(8))
    forced = timeline(both[0], NOW, expiry, clean, given)
    timeline(both[1], NOW, expiry, clean)
    assert both[0].random() == both[1].random()
    assert (forced.state == given).all()
    same = drawn.state == given
    assert same.any()
    for column in ("created_at_ms", "connected_at_ms", "disconnected_at_ms"):
        assert (getattr(forced, column)[same] == getattr(drawn, column)[same]).all()
    disconnected = forced.state == 2
    assert (forced.disconnected_at_ms[disconnected] > forced.connected_at_ms[disconnected]).all()
    assert (forced.disconnected_at_ms[~disconnected] == NO_TIME).all()
    assert (forced.created_at_ms <= forced.connected_at_ms).all() and (forced.connected_at_ms <= NOW).all()


def test_scenario_clients_keep_what_they_are_given_and_stay_consistent() -> None:
    given = (
        {"clientid": "x-disc", "state": "disconnected"},
        {"clientid": "x-idle", "state": "idle", "subscriptions": {"t/a": 1}},
        {"clientid": "x-conn", "state": "connected", "expiry_interval": 300},
        {"clientid": "x-zone", "zone": "external", "proto_name": "CoAP", "proto_ver": 1},
        {"clientid": "x-plain"},
    )
    spec = PopulationSpec(seed=9, clients=60, nodes=2, now_ms=NOW, explicit=given)
    population = generate(spec)
    assert population == generate(spec)
    explicit = {c.clientid: c for c in population[2:7]}
    assert list(explicit) == [item["clientid"] for item in given]
    assert explicit["x-disc"].state is ConnState.DISCONNECTED and explicit["x-disc"].identity.expiry_interval > 0
    assert explicit["x-idle"].state is ConnState.IDLE and list(explicit["x-idle"].subscriptions) == ["t/a"]
    assert explicit["x-conn"].identity.expiry_interval == 300 and not explicit["x-conn"].identity.clean_start
    assert explicit["x-zone"].identity.zone == "external" and explicit["x-zone"].identity.proto_name == "CoAP"
    for client in explicit.values():
        assert (client.disconnected_at_ms is not None) == (client.state is ConnState.DISCONNECTED)
        assert client.created_at_ms <= client.connected_at_ms <= NOW
        if client.disconnected_at_ms is not None:
            assert client.connected_at_ms < client.disconnected_at_ms <= NOW
    plain = {**given[4], "username": "someone"}
    other = generate(replace(spec, explicit=(*given[:4], plain)))
    assert other[7:] == population[7:], "what scenario clients are given changes no generated client"


def test_newcomers_connect_when_they_arrive() -> None:
    spec = PopulationSpec(seed=3, clients=10, nodes=2, now_ms=NOW)
    arrive = arrivals(spec)
    first = [arrive(random.Random(minute), minute * 1000, NOW + minute * 60_000) for minute in range(50)]
    assert first == [
        arrivals(spec)(random.Random(minute), minute * 1000, NOW + minute * 60_000) for minute in range(50)
    ]
    for minute, client in enumerate(first):
        assert client.clientid.endswith(f"-{minute * 1000:x}")
        assert client.state is ConnState.CONNECTED and client.disconnected_at_ms is None
        assert client.created_at_ms == client.connected_at_ms == NOW + minute * 60_000
    assert companies(spec.seed) is companies(spec.seed), "company names are drawn once per seed"


def test_a_client_is_the_same_whichever_clients_it_is_built_with() -> None:
    spec = PopulationSpec(seed=9, clients=4000, nodes=2, now_ms=NOW)
    population = build(spec)
    rows = random.Random(2).sample(range(len(population.core)), 300)
    together = population.materialize_rows(rows)
    heaviest = max(range(len(rows)), key=lambda index: len(together[index].subscriptions))
    assert len(together[heaviest].subscriptions) > 10  # so others were built beside a client of many draws
    assert together == [population.materialize_rows([row])[0] for row in rows]
    assert together[::-1] == population.materialize_rows(rows[::-1])
    details = Counter((c.identity.keepalive, c.limits.subscriptions_max, c.traffic.heap_size) for c in together)
    assert len(details) > 30  # the details vary from client to client
