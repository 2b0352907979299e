"""Letting go of many objects a few at a time: everything goes, and no more than `AT_ONCE` between two pauses (where
a request waiting for the GIL takes it)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.domain import paced


@pytest.mark.parametrize("items", [list(range(2_500)), {n: str(n) for n in range(2_500)}])
def test_everything_goes_a_thousand_between_pauses(items: Any) -> None:
    left: list[int] = []
    paced.let_go(items, lambda: left.append(len(items)))
    assert not items
    assert left == [1_500, 500, 0]
