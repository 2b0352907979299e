"""The simulation's clock: real time (read from a source passed in) or frozen at an instant, in epoch ms."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MS = 86_400_000


class Clock:
    """Epoch milliseconds that either follow `source` (seconds) or stay where they were frozen."""

    def __init__(self, source: Callable[[], float], frozen_at_ms: int | None = None) -> None:
        self._source = source
        self._frozen_at_ms = frozen_at_ms
        self._offset_ms = 0

    @classmethod
    def frozen(cls, at_ms: int) -> Clock:
        return cls(lambda: at_ms / 1000, frozen_at_ms=at_ms)

    @property
    def is_frozen(self) -> bool:
        return self._frozen_at_ms is not None

    def now_ms(self) -> int:
        if self._frozen_at_ms is not None:
            return self._frozen_at_ms
        return int(self._source() * 1000) + self._offset_ms

    def advance(self, seconds: float) -> None:
        """Move the clock forward; a frozen clock stays frozen at the later instant."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.set(self.now_ms() + int(seconds * 1000))

    def set(self, at_ms: int) -> None:
        """Jump to `at_ms`; a running clock keeps running from there."""
        if self._frozen_at_ms is not None:
            self._frozen_at_ms = at_ms
        else:
            self._offset_ms += at_ms - self.now_ms()

    def freeze(self) -> None:
        self._frozen_at_ms = self.now_ms()

    def resume(self) -> None:
        """Let a frozen clock run again, from the instant it was frozen at."""
        if self._frozen_at_ms is not None:
            at = self._frozen_at_ms
            self._frozen_at_ms = None
            self._offset_ms = 0
            self.set(at)


def parse_instant(text: str) -> int:
    """An RFC 3339 instant (`2023-09-15T09:36:20Z`, offsets and fractions allowed) as epoch ms."""
    value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - EPOCH) // timedelta(milliseconds=1)


def format_instant(epoch_ms: int) -> str:
    """Epoch ms as EMQX writes times: RFC 3339, milliseconds, numeric UTC offset (`...20.871+00:00`); the date
    written once per day (a page of clients writes two or three instants each)."""
    day, in_day = divmod(epoch_ms, DAY_MS)
    second, millis = divmod(in_day, 1000)
    return _date(day) + _TIMES[second] + _MILLIS[millis]


_TIMES = [
    f"T{hour:02d}:{minute:02d}:{second:02d}." for hour in range(24) for minute in range(60) for second in range(60)
]
"""The time of day of each second of a day, written out once (86,400 strings, about 5 MiB): a page of clients
writes two or three instants each."""
_MILLIS = [f"{millis:03d}+00:00" for millis in range(1000)]


@functools.lru_cache(maxsize=4096)
def _date(day: int) -> str:
    return (EPOCH + timedelta(days=day)).date().isoformat()
