"""While populations are indexed beside the requests, the interpreter switches threads often; after the last
overlapping one, as often as before."""

from __future__ import annotations

import sys

from simulator.controls import BUILD_SWITCH_S, QuickSwitches


def test_the_interval_from_before_comes_back_after_the_last_of_overlapping_builds() -> None:
    before = sys.getswitchinterval()
    quick = QuickSwitches()
    quick.__enter__()
    assert sys.getswitchinterval() == BUILD_SWITCH_S != before
    quick.__enter__()  # a second regenerate overlaps the first
    quick.__exit__(None, None, None)  # the first ends: the second still builds
    assert sys.getswitchinterval() == BUILD_SWITCH_S
    quick.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
