"""Propagation: changes acknowledged at once but seen by reads only a moment later, as on an EMQX cluster.

A kick or a subscription change reaches the session after the API has answered. With a delay of
`low`..`high` ms (drawn from the seed, so the same requests propagate alike), each change waits in a queue
until the clock passes its instant; with no delay it applies at once.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable

Change = Callable[[], None]
MAX_DELAY_MS = 600_000


class Propagation:
    """The changes waiting to be seen, and the delay each new one waits."""

    def __init__(self, seed: int, low_ms: int = 0, high_ms: int = 0) -> None:
        self._rng = random.Random(f"{seed}:propagation")
        self._order = itertools.count()
        self._waiting: list[tuple[int, int, Change]] = []
        self.low_ms, self.high_ms = low_ms, high_ms

    def set(self, low_ms: int, high_ms: int) -> None:
        if not 0 <= low_ms <= high_ms <= MAX_DELAY_MS:
            raise ValueError(f"the delay is MIN-MAX milliseconds, 0 <= MIN <= MAX <= {MAX_DELAY_MS}")
        self.low_ms, self.high_ms = low_ms, high_ms

    def submit(self, now_ms: int, change: Change) -> int:
        """Apply `change` now, or queue it; the instant it is (or will be) seen."""
        if self.high_ms <= 0:
            change()
            return now_ms
        delay = self.low_ms if self.low_ms == self.high_ms else self._rng.randint(self.low_ms, self.high_ms)
        heapq.heappush(self._waiting, (now_ms + delay, next(self._order), change))
        return now_ms + delay

    def apply_due(self, now_ms: int) -> None:
        """Apply, in the order they were made, the changes whose instant has come."""
        while self._waiting and self._waiting[0][0] <= now_ms:
            heapq.heappop(self._waiting)[2]()

    def clear(self) -> None:
        self._waiting.clear()

    def __len__(self) -> int:
        return len(self._waiting)


def parse_delay(text: str | int) -> tuple[int, int]:
    """A delay written `MIN` or `MIN-MAX` (milliseconds, 0 <= MIN <= MAX <= 600000)."""
    low, _, high = str(text).strip().partition("-")
    if not low.isdigit() or not (high or low).isdigit() or not 0 <= int(low) <= int(high or low) <= MAX_DELAY_MS:
        raise ValueError(f"{text!r} is not MIN or MIN-MAX milliseconds (at most {MAX_DELAY_MS})")
    return int(low), int(high or low)
