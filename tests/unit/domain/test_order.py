"""The listing order's hits read at given positions (`Listed`, as churn picks them) are those of listing them all,
for masks small enough to list and large enough to pack, a few positions (found in the packed bits) or many, with
added rows merged in at their places."""

from __future__ import annotations

import numpy as np

from simulator.domain.order import LISTED, Listed, Order


def test_hits_read_at_positions_are_those_listed_in_full() -> None:
    rng = np.random.default_rng(1)
    checked = 0
    for trial in range(48):
        generated = int(rng.integers(1, 3 * LISTED)) if trial % 2 else int(rng.integers(1, 300))
        ids = sorted(f"{number:09d}" for number in rng.choice(10**9, generated, replace=False))
        added = [f"{number:09d}+" for number in rng.choice(10**9, int(rng.integers(0, 60)), replace=False)]
        order = Order(ids + added, generated)
        if added:
            order.insert(list(range(generated, generated + len(added))))
        mask = rng.random(generated + len(added)) < rng.choice((0.001, 0.3, 0.97))
        listed_in_full = order.ascending(mask)[::-1]
        if listed_in_full.size:  # a few positions: each found in the packed bits
            few = rng.integers(0, listed_in_full.size, 20)
            assert Listed(order, mask)[few].tolist() == listed_in_full[few].tolist(), trial
        listed = Listed(order, mask)
        assert listed.size == listed_in_full.size
        if listed.size:  # many: the hits listed
            positions = rng.integers(0, listed.size, min(listed.size, 3000))
            assert listed[positions].tolist() == listed_in_full[positions].tolist(), trial
            edges = np.array(sorted({0, listed.size - 1, listed.size // 2}))
            assert listed[edges].tolist() == listed_in_full[edges].tolist(), trial
            checked += positions.size
    assert checked > 30_000
