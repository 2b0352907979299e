"""Sampling in bulk: the indices `random.Random.sample` picks, and the generator left as it leaves it."""

from __future__ import annotations

import random

from simulator.domain.sampling import sample


def test_bulk_samples_are_the_standard_librarys() -> None:
    sizes = [
        (600_000, 12_000),
        (350_000, 35_000),
        (300_000, 70_000),
        (2**20, 65),
        (5000, 64),
        (1000, 100),
        (9, 3),
        (300_000, 30_000),
        (40_000, 4000),
        (200, 180),
        (100_000, 30_000),
        (60_000, 6000),
    ]
    for seed in range(6):
        for n, k in sizes:
            ours, theirs = random.Random(f"{seed}:{n}"), random.Random(f"{seed}:{n}")
            assert sample(ours, n, k).tolist() == theirs.sample(range(n), k), (seed, n, k)
            assert ours.getstate() == theirs.getstate()
