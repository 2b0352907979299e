"""Churn: clients disconnecting, reconnecting and arriving, the same for the same seed and minutes."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pytest

from simulator.domain.churn import Arrival, Churn, apply
from simulator.domain.client import Client, ConnState
from simulator.domain.clock import Clock
from simulator.domain.population import PopulationSpec, arrivals, build
from simulator.domain.registry import STATE_CODES, Registry
from simulator.domain.setup import Setup
from simulator.service import Simulation
from tests.support import oracles
from tests.support.oracles import descending, generate

NOW = 1_694_770_580_000


def test_churn_is_deterministic_and_keeps_clients_consistent() -> None:
    spec = PopulationSpec(seed=3, clients=400, nodes=2, now_ms=NOW)
    churn = Churn(disconnects=0.05, reconnects=0.3, arrivals=2)

    def run() -> list[tuple[str, ConnState, int, int | None]]:
        registry = Registry(generate(spec))
        apply(churn, registry, spec.seed, NOW, NOW + 30 * 60_000, arrivals(spec))
        return [(c.clientid, c.state, c.connected_at_ms, c.disconnected_at_ms) for c in descending(registry)]

    first = run()
    assert first == run()
    start = {c.clientid: c.state for c in generate(spec)}
    after = {clientid: state for clientid, state, _, _ in first}
    assert len(set(after) - set(start)) >= 25  # of the 60 newcomers, about 38 still here (most without a session)
    assert sum(1 for cid in set(start) & set(after) if start[cid] != after[cid]) >= 20
    for _, state, connected_at, disconnected_at in first:
        assert (disconnected_at is not None) == (state is ConnState.DISCONNECTED)
        if disconnected_at is not None:
            assert connected_at < disconnected_at


def test_long_jumps_churn_at_most_a_day_of_minutes() -> None:
    spec = PopulationSpec(seed=3, clients=50, nodes=1, now_ms=NOW)
    calls = []

    def counting(rng: random.Random, sequence: int, at: int) -> object:
        calls.append(at)
        return arrivals(spec)(rng, sequence, at)

    apply(
        Churn(disconnects=0, reconnects=0, arrivals=1),
        Registry(generate(spec)),
        3,
        NOW,
        NOW + 30 * 86_400_000,
        counting,
    )  # type: ignore[arg-type]
    assert len(calls) == 1440


def _summary(clients: Iterable[Client]) -> list[tuple[object, ...]]:
    return sorted(
        (c.clientid, c.state, c.connected_at_ms, c.disconnected_at_ms, c.expires_at_ms, c.identity.username)
        for c in clients
    )


def _pooled(spec: PopulationSpec, taken: list[str]) -> Arrival:
    """Newcomers whose clientids often are those of clients here, gone, or arriving in the same or another minute."""
    plain = arrivals(spec)

    def arrive(rng: random.Random, sequence: int, at: int) -> Client:
        newcomer = plain(rng, sequence, at)
        pick = rng.random()
        if pick < 0.3:
            return replace(newcomer, identity=replace(newcomer.identity, clientid=rng.choice(taken)))
        if pick < 0.6:
            return replace(newcomer, identity=replace(newcomer.identity, clientid=f"pooled-{rng.randrange(12)}"))
        return newcomer

    return arrive


@pytest.mark.parametrize("seed", [1, 2])
def test_each_client_churns_as_the_rules_say_however_the_clock_moves(seed: int) -> None:
    """Over 600 minutes of 3,000 clients, churned in one jump, a minute at a time, and in steps of random sizes, the
    clients are those of the rules applied minute by minute, client by client, to whole clients, with newcomers
    whose clientids are taken, gone, or repeated."""
    spec = PopulationSpec(seed=seed, clients=3000, nodes=2, now_ms=NOW)
    churn = Churn(disconnects=0.04, reconnects=0.2, arrivals=2.5)
    clients = {client.clientid: client for client in generate(spec)}
    arrive = _pooled(spec, sorted(clients)[::50])
    total = 600 * 60_000
    rng = random.Random(seed)
    sizes, left = [], total
    while left:
        sizes.append(min(left, rng.choice((1, 999, 60_000, rng.randrange(1, 3_000_000)))))
        left -= sizes[-1]
    runs = []
    for steps in ([total], [60_000] * 600, sizes):
        registry, now = Registry(population=build(spec)), NOW
        for step in steps:
            apply(churn, registry, spec.seed, now, now + step, arrive)
            now += step
            registry.expire(now)
        runs.append(_summary(descending(registry)))
    oracles.churn(churn, clients, spec.seed, NOW, NOW, NOW + total, arrive)
    end = NOW + total
    expected = _summary(client for client in clients.values() if (client.expires_at_ms or end + 1) > end)
    assert runs[0] == expected
    assert runs[1] == expected
    assert runs[2] == expected
    pooled = {clientid for clientid, *_ in expected if clientid.startswith("pooled-")}
    assert 3 <= len(pooled) <= 12


def test_a_minute_moves_about_the_share_of_clients_its_chances_say() -> None:
    """Each connected client disconnects with its chance in a minute, each disconnected one reconnects with
    its own: over ten minutes of 20,000 clients the shares moved are those chances, within a few standard
    deviations."""
    spec = PopulationSpec(seed=8, clients=20_000, nodes=2, now_ms=NOW)
    churn = Churn(disconnects=0.05, reconnects=0.25, arrivals=0)
    registry = Registry(population=build(spec))
    rows = np.arange(spec.clients)
    for minute in range(10):
        before = registry.churned(rows).state
        apply(churn, registry, spec.seed, NOW + minute * 60_000, NOW + (minute + 1) * 60_000, arrivals(spec))
        after = registry.churned(rows).state
        for state, chance in ((ConnState.CONNECTED, 0.05), (ConnState.DISCONNECTED, 0.25)):
            were = before == STATE_CODES[state]
            moved = int(np.count_nonzero(were & (after != before)))
            spread = 4 * (were.sum() * chance * (1 - chance)) ** 0.5
            assert abs(moved - were.sum() * chance) <= spread, (minute, state, moved, were.sum())


def test_a_regenerated_population_churned_before_it_is_served_is_the_one_churned_after() -> None:
    """A regenerate churns its new population up to now before swapping it in (a minute of churn over millions
    of clients would otherwise hold every request): the clients are those of swapping it in at the spec's
    instant and churning it on the first request, as before."""
    start = 1_694_770_580_000
    churn = Churn(disconnects=0.1, reconnects=0.4, arrivals=20)
    spec = PopulationSpec(seed=31, clients=3000, nodes=2, now_ms=start)
    served = Simulation(Clock.frozen(start), spec, churn=churn)
    reference = Simulation(Clock.frozen(start), spec, churn=churn)
    later = replace(spec, seed=32)
    for simulation in (served, reference):
        simulation.clock.set(start + 7 * 60_000 + 500)
    served.regenerate(Setup(later, churn))
    reference._install(Setup(later, churn), Registry(population=build(later)), later.now_ms)
    reference._tick()
    summary = [[(c.clientid, c.state, c.connected_at_ms, c.disconnected_at_ms) for c in descending(s._registry)]
               for s in (served, reference)]  # fmt: skip
    assert summary[0] == summary[1]
    fresh = [(c.clientid, c.state, c.connected_at_ms, c.disconnected_at_ms)
             for c in descending(Registry(population=build(later)))]  # fmt: skip
    moved = set(summary[0]) - set(fresh)
    assert len(moved) > 100  # seven minutes of churn: clients moved and newcomers arrived
    assert any(state is ConnState.DISCONNECTED for _, state, _, _ in moved)


def test_a_state_read_back_churns_on_as_the_one_written() -> None:
    """Churn's timetable is not saved: it is worked out again from the clients and `churn_since_ms` (moved by a
    jump longer than a day, after which every client waits from that day's start). A state exported after such a
    jump and imported into another simulation churns on as the first does."""
    start = 1_694_770_580_000
    churn = Churn(disconnects=0.03, reconnects=0.2, arrivals=3)
    spec = PopulationSpec(seed=12, clients=4000, nodes=2, now_ms=start)
    first = Simulation(Clock.frozen(start), spec, churn=churn)
    first.clock.set(start + 3 * 86_400_000 + 5_000)  # a jump of three days: its last day churned
    state = first.export_state()
    assert state["churn_since_ms"] == (start + 2 * 86_400_000 + 5_000) // 60_000 * 60_000
    second = Simulation(Clock.frozen(0), PopulationSpec(seed=1, clients=0, nodes=1, now_ms=0))
    second.import_state(state)
    for simulation in (first, second):
        simulation.clock.set(start + 3 * 86_400_000 + 5_000 + 7_200_000)
    exported = [simulation.export_state() for simulation in (first, second)]
    assert exported[0] == exported[1]
    before = {json.dumps(client, sort_keys=True) for client in state["clients"]}
    moved = {json.dumps(client, sort_keys=True) for client in exported[0]["clients"]} - before
    assert len(moved) > 100  # two hours of churn after the import
