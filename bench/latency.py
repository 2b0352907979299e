"""Server-side latencies: what the simulator's journal says each request took (`latency_ms`), as percentiles."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

Fetch = Callable[..., bytes]
"""`fetch(url, method="GET", body=None)`: the bench's authenticated HTTP request."""
JOURNAL_SIZE = 30_000
"""Requests the benchmarked simulators journal: a few seconds of load at one connection fit whole."""


def clear(fetch: Fetch, base: str) -> None:
    """Empty the journal of the simulator at `base` (before a run, so it then holds that run alone)."""
    fetch(f"{base}/_sim/journal", "DELETE")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values` (NaN for none)."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]


def server_side(fetch: Fetch, base: str) -> dict[str, float]:
    """p50, p90, p99 and max of `latency_ms` over the journaled requests, and how many there were."""
    entries = json.loads(fetch(f"{base}/_sim/journal?limit={JOURNAL_SIZE}"))["data"]
    values = sorted(float(entry["latency_ms"]) for entry in entries)
    return {
        "p50": percentile(values, 0.50),
        "p90": percentile(values, 0.90),
        "p99": percentile(values, 0.99),
        "max": values[-1] if values else float("nan"),
        "requests": len(values),
    }
