"""Fault rules, the Prefer header, the journal ring and churn, without HTTP."""

from __future__ import annotations

import random

import pytest

from simulator.domain.churn import Churn, apply
from simulator.domain.client import ConnState
from simulator.domain.population import PopulationSpec, arrivals
from simulator.domain.registry import Registry
from simulator.faults import Faults, Rule, from_prefer
from simulator.journal import Entry, Journal
from tests.support.oracles import descending, generate

NOW = 1_694_770_580_000


def test_rules_apply_by_operation_and_run_out() -> None:
    faults = Faults(seed=1)
    faults.add(Rule(id="", operation="kickClient", status=503, times=2))
    assert faults.decide("getClient").error is None
    first, second, third = (faults.decide("kickClient") for _ in range(3))
    assert first.error is not None and first.error.status_code == 503 and first.error.code == "SERVICE_UNAVAILABLE"
    assert second.error is not None and third.error is None
    assert faults.rules() == []


def test_latency_ranges_and_rates_are_seeded() -> None:
    def draws(seed: int) -> list[tuple[float, bool]]:
        faults = Faults(seed=seed)
        faults.add(Rule(id="", delay_ms=10, delay_max_ms=50, status=500, error_rate=0.3))
        return [(d.delay_ms, d.error is not None) for d in (faults.decide("listClients") for _ in range(200))]

    assert draws(4) == draws(4) != draws(5)
    decided = draws(4)
    assert all(10 <= delay <= 50 for delay, _ in decided)
    assert 30 < sum(failed for _, failed in decided) < 90


@pytest.mark.parametrize(
    "rule",
    [Rule(id="", delay_ms=5, delay_max_ms=1), Rule(id="", status=503, error_rate=1.5), Rule(id="")],
)
def test_impossible_rules_are_refused(rule: Rule) -> None:
    with pytest.raises(ValueError):
        Faults().add(rule)


def test_prefer_header() -> None:
    decision = from_prefer("code=503, delay=250")
    assert decision.delay_ms == 250 and decision.error is not None and decision.error.status_code == 503
    assert from_prefer("delay=999999").delay_ms == 60_000
    assert from_prefer("code=200").error is None
    assert from_prefer("code=abc; delay=x; nonsense").delay_ms == 0
    assert from_prefer(None).error is None


def test_journal_keeps_the_newest() -> None:
    journal = Journal(capacity=3)
    for status in (200, 404, 200, 400, 200):
        journal.record(Entry(NOW, "GET", "/x", {}, "listClients", status, 1.0))
    assert [e.status for e in journal.entries()] == [200, 400, 200]
    assert [e.status for e in journal.entries(status=400)] == [400]
    assert journal.recorded == 5 and len(journal) == 3


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
