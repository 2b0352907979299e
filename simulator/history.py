"""The history of client counts over simulated time, as the overview has sampled it."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

SAMPLES = 240
"""Samples kept, the most recent in simulated time."""


@dataclass(frozen=True, slots=True)
class Sample:
    """Live clients at one simulated instant: in all, and by state."""

    time_ms: int
    connected: int
    idle: int
    disconnected: int

    @property
    def total(self) -> int:
        return self.connected + self.idle + self.disconnected


@dataclass
class History:
    """Samples by simulated instant, oldest first; one per instant (a later reading of it replaces it)."""

    capacity: int = SAMPLES
    _samples: list[Sample] = field(init=False, default_factory=list)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def record(self, sample: Sample) -> list[Sample]:
        """Keep `sample` and answer every sample kept. Samples later than it are dropped: the clock was set back,
        and they describe a future that is no longer this one's."""
        with self._lock:
            samples = self._samples
            del samples[bisect.bisect_left(samples, sample.time_ms, key=lambda kept: kept.time_ms) :]
            samples.append(sample)
            del samples[: max(0, len(samples) - self.capacity)]
            return list(samples)
