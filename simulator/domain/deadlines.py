"""When sessions expire: the generated ones sorted once, later ones kept by the minute they fall in, so that a
read finds nothing due in one comparison and churn adds thousands of deadlines a minute without sorting."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.domain.bucketed import ByMinute, Column

NEVER = np.iinfo(np.int64).max
"""The expiry of a session that is attached."""
MINUTE_MS = 60_000
Int64s = npt.NDArray[np.int64]


class Deadlines:
    """(deadline, row) pairs, taken out once due; a pair may be stale (the row's deadline changed since), so the
    taker checks it."""

    def __init__(self, expires: Int64s) -> None:
        order = np.argsort(expires, kind="stable")
        self._sorted = expires[order]
        self._sorted_rows = order.astype(np.int64)
        self._next = 0
        self._later = ByMinute()
        """(deadlines, rows) added since, by minute."""
        self._soonest = NEVER
        self._update()

    def due(self, now_ms: int) -> bool:
        """Whether any deadline is at or before `now_ms`."""
        return now_ms >= self._soonest

    def push(self, deadlines: Int64s, rows: Int64s) -> None:
        kept = deadlines != NEVER
        deadlines, rows = deadlines[kept], rows[kept]
        if not deadlines.size:
            return
        self._later.file(deadlines // MINUTE_MS, deadlines, rows)
        self._soonest = min(self._soonest, int(deadlines.min()))

    def pop(self, now_ms: int) -> tuple[Int64s, Int64s]:
        """Every (deadline, row) at or before `now_ms`, taken out."""
        due = int(np.searchsorted(self._sorted, now_ms, side="right"))
        deadlines = [self._sorted[self._next : due]]
        rows = [self._sorted_rows[self._next : due]]
        self._next = max(self._next, due)
        now_minute = now_ms // MINUTE_MS
        while self._later.first is not None and self._later.first <= now_minute:
            minute, batches = self._later.take()
            if minute < now_minute:
                deadlines += [batch for batch, _ in batches]
                rows += [batch_rows for _, batch_rows in batches]
                continue
            left: list[tuple[Column, ...]] = []
            for batch, batch_rows in batches:
                taken = batch <= now_ms
                deadlines.append(batch[taken])
                rows.append(batch_rows[taken])
                if not taken.all():
                    left.append((batch[~taken], batch_rows[~taken]))
            if left:
                self._later.put(minute, left)
            break
        self._update()
        return np.concatenate(deadlines), np.concatenate(rows)

    def _update(self) -> None:
        soonest = int(self._sorted[self._next]) if self._next < self._sorted.size else NEVER
        if self._later.first is not None:
            soonest = min(soonest, min(int(batch.min()) for batch, _ in self._later.peek()))
        self._soonest = soonest
