"""Batches of rows kept by the minute they fall in and read back in minute order: thousands filed a minute, none
sorted again once filed."""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import numpy.typing as npt

Column = npt.NDArray[Any]
Batch = tuple[Column, ...]


def by_minute(minutes: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.int64]:
    """The order that sorts these minutes, stably: as 16-bit offsets from the least when they span fewer than
    65,536 minutes (numpy sorts those by radix, in one pass), else compared."""
    if minutes.size and int(minutes.max()) - int(minutes.min()) < 2**16:
        offsets = (minutes - minutes.min()).astype(np.uint16)
        order: npt.NDArray[np.int64] = np.argsort(offsets, kind="stable")
        return order
    ordered: npt.NDArray[np.int64] = np.argsort(minutes, kind="stable")
    return ordered


class ByMinute:
    """Batches (aligned columns) by minute."""

    def __init__(self) -> None:
        self._minutes: list[int] = []
        """The minutes that have batches, as a heap."""
        self._batches: dict[int, list[Batch]] = {}

    def file(self, minutes: npt.NDArray[np.integer[Any]], *columns: Column) -> None:
        """File the columns' rows under their `minutes`, one batch per minute."""
        if not minutes.size:
            return
        order = by_minute(minutes)
        minutes = minutes[order]
        ordered = [column[order] for column in columns]
        starts = np.flatnonzero(np.diff(minutes, prepend=minutes[0] - 1))
        for start, end in zip(starts.tolist(), [*starts[1:].tolist(), minutes.size], strict=True):
            self.put(int(minutes[start]), [tuple(column[start:end] for column in ordered)])

    def put(self, minute: int, batches: list[Batch]) -> None:
        """File these batches under `minute`."""
        if minute not in self._batches:
            self._batches[minute] = []
            heapq.heappush(self._minutes, minute)
        self._batches[minute] += batches

    @property
    def first(self) -> int | None:
        """The earliest minute with batches."""
        return self._minutes[0] if self._minutes else None

    def peek(self) -> list[Batch]:
        """The batches of the earliest minute, left filed."""
        return self._batches[self._minutes[0]] if self._minutes else []

    def take(self) -> tuple[int, list[Batch]]:
        """The earliest minute and its batches, taken out."""
        minute = heapq.heappop(self._minutes)
        return minute, self._batches.pop(minute)
