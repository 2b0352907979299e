"""Churn: clients disconnecting, reconnecting and arriving, the same for the same seed and minutes."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from simulator.domain.churn import Churn, apply
from simulator.domain.client import Client, ConnState
from simulator.domain.clock import Clock
from simulator.domain.population import PopulationSpec, arrivals, build
from simulator.domain.registry import Registry
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
    assert len(set(after) - set(start)) >= 40
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


@pytest.mark.slow
def test_churn_in_columns_moves_the_clients_churn_one_at_a_time_moved() -> None:
    """At 40,000 clients the samples are drawn in bulk and the moves written to columns; the clients, their
    states and times are those of churn done client by client, object by object."""
    spec = PopulationSpec(seed=21, clients=40_000, nodes=3, now_ms=NOW)
    churn = Churn(disconnects=0.02, reconnects=0.1, arrivals=3)
    fast, slow = Registry(population=build(spec)), Registry(population=build(spec))
    for step in range(2):
        start, end = NOW + step * 180_000, NOW + (step + 1) * 180_000
        apply(churn, fast, spec.seed, start, end, arrivals(spec))
        oracles.churn(churn, slow, spec.seed, start, end, arrivals(spec))
        fast.expire(end)
        slow.expire(end)
        assert len(fast) == len(slow)
        assert _states(fast) == _states(slow)
    removed, kept = fast.changes()
    assert (set(removed), _states_of(kept)) == (set(slow.changes()[0]), _states_of(slow.changes()[1]))


def _states_of(clients: list[Client]) -> list[tuple[object, ...]]:
    return [(c.clientid, c.state, c.connected_at_ms, c.disconnected_at_ms, len(c.subscriptions)) for c in clients]


def _states(registry: Registry) -> list[tuple[object, ...]]:
    return _states_of(descending(registry))


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
