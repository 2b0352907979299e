"""Letting go of many objects without holding up requests: freed at once, a registry's 16,384 built clients and
its strings held the GIL, and every request waiting for it, for 21 ms; freed a thousand at a time with a pause
between (the caller's: a short sleep in the server), a waiting request takes the GIL at the next pause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AT_ONCE = 1_000
"""Objects freed between two pauses."""
Pause = Callable[[], object]


def no_pause() -> None:
    """Go straight on."""


def let_go(items: dict[Any, Any] | list[Any], pause: Pause = no_pause) -> None:
    """Empty `items`, `AT_ONCE` at a time, calling `pause` after each."""
    while items:
        if isinstance(items, list):
            del items[-AT_ONCE:]
        else:
            for _ in range(min(AT_ONCE, len(items))):
                items.popitem()
        pause()
