"""The census: counts over the registry's columns equal a scan of every client, whatever changed; subscriptions
exact over every client, estimated over a sample; and the history of counts by simulated instant."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import replace

from simulator.domain.census import subscriptions
from simulator.domain.client import ConnState, change_state
from simulator.domain.population import PopulationSpec, build
from simulator.domain.registry import Registry
from simulator.history import History, Sample
from tests.support.oracles import all_clients, descending

NOW = 1_694_770_580_000


def test_counts_are_those_of_a_scan_after_changes() -> None:
    population = build(PopulationSpec(seed=3, clients=3000, nodes=4, now_ms=NOW))
    registry = Registry(population=population)
    clients = all_clients(population)
    for client in clients[:40]:
        registry.remove(client.clientid)
    for client, state in zip(
        clients[40:100], [ConnState.IDLE, ConnState.DISCONNECTED, ConnState.CONNECTED] * 20, strict=True
    ):
        changed = registry.touch(client.clientid)
        assert changed is not None
        change_state(changed, state, NOW + 1000)
        registry.add(changed)
    odd = replace(
        clients[100], identity=replace(clients[100].identity, clientid="odd", proto_ver=300, node="elsewhere")
    )
    registry.add(odd)  # a version beyond one bincount's range, on a node of no generated client
    live = descending(registry)
    counts = registry.counts()
    assert counts.total == len(live) == 2961
    assert counts.by_state == Counter(client.state for client in live)
    assert counts.by_protocol == Counter((c.identity.proto_name, c.identity.proto_ver) for c in live)
    by_node = Counter((client.identity.node, client.state) for client in live)
    assert {(node, state): n for node, states in counts.by_node.items() for state, n in states.items() if n} == by_node
    assert counts.by_node["elsewhere"][odd.state] == 1


def test_subscriptions_are_exact_over_all_and_estimated_over_a_sample() -> None:
    population = build(PopulationSpec(seed=3, clients=3000, nodes=2, now_ms=NOW))
    registry = Registry(population=population)
    everyone = descending(registry)
    held = Counter(topic for client in everyone for topic in client.subscriptions)
    exact = subscriptions(registry.sample(5000), len(everyone))
    assert (exact.read, exact.total) == (3000, sum(held.values()))
    assert [n for _, n in exact.top] == sorted(held.values(), reverse=True)[:10]
    assert dict(exact.top) == {topic: held[topic] for topic, _ in exact.top}
    estimate = subscriptions(registry.sample(1000), len(everyone))
    # Within three standard errors of a total estimated from 1,000 of 3,000 clients drawn without replacement (a
    # few clients hold up to 100 subscriptions, most none to three: the spread is wide).
    spread = statistics.pstdev(len(client.subscriptions) for client in everyone)
    error = len(everyone) * spread / math.sqrt(1000) * math.sqrt((len(everyone) - 1000) / (len(everyone) - 1))
    assert estimate.read == 1000 and abs(estimate.total - exact.total) < 3 * error
    assert registry.sample(1000) == registry.sample(1000)  # the same clients while nothing changes


def test_the_history_keeps_one_sample_per_instant_and_drops_a_future_no_longer_ahead() -> None:
    history = History(capacity=3)
    for second in range(4):
        history.record(Sample(second * 1000, 10, 1, second))
    kept = history.record(Sample(3000, 9, 1, 5))
    assert [(s.time_ms, s.disconnected) for s in kept] == [(1000, 1), (2000, 2), (3000, 5)]
    assert kept[-1].total == 15
    back = history.record(Sample(1500, 8, 0, 0))
    assert [s.time_ms for s in back] == [1000, 1500]
