"""Fault rules and the Prefer header: which operations fail, how late, and from which seeded source."""

from __future__ import annotations

import pytest

from simulator.domain.errors import InvalidRequest
from simulator.faults import Faults, Rule, from_prefer


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
    with pytest.raises(InvalidRequest):
        Faults().add(rule)


def test_prefer_header() -> None:
    decision = from_prefer("code=503, delay=250")
    assert decision.delay_ms == 250 and decision.error is not None and decision.error.status_code == 503
    assert from_prefer("delay=60000").delay_ms == 60_000
    assert from_prefer("delay=60001").delay_ms == 0
    assert from_prefer("code=200").error is None
    assert from_prefer("code=" + "5" * 5000).error is None
    assert from_prefer("code=abc; delay=x; nonsense").delay_ms == 0
    assert from_prefer(None).error is None
