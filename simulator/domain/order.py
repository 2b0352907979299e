"""The listing order of the registry's rows: generated rows sorted by clientid, later rows merged in at their places.

A filter's hits are picked by rank from packed bits (a popcount per 64 rows), so a page of a million rows reads
the mask once and lists only the rows it shows.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
NO_ROWS: Rows = np.zeros(0, dtype=np.int64)


LISTED = 65_536
"""Up to this many rows, a mask's hits are simply listed: cheaper than packing them for so few."""


class Ranks:
    """The hits of a mask over the generated rows, countable by rank: listed for a small mask, and for a large one
    counted per 64 rows (packed bits, a popcount each) and listed only where read."""

    def __init__(self, mask: Mask) -> None:
        self.mask = mask
        self.hits: Rows | None = None
        if mask.size <= LISTED:
            self.hits = np.flatnonzero(mask)
            self.total = int(self.hits.size)
            return
        packed = np.packbits(mask, bitorder="little")
        padded = np.zeros(-(-packed.size // 8) * 8, dtype=np.uint8)
        padded[: packed.size] = packed
        self.words = padded.view(np.uint64)
        self.cumulative = np.cumsum(np.bitwise_count(self.words), dtype=np.int64)
        self.total = int(self.cumulative[-1])

    def before(self, positions: Rows) -> Rows:
        """How many hits lie before each of these positions."""
        if self.hits is not None:
            listed: Rows = np.searchsorted(self.hits, positions)
            return listed
        word = positions // 64
        whole = np.where(word > 0, self.cumulative[np.maximum(word - 1, 0)], 0)
        inside = np.zeros(positions.size, dtype=np.int64)
        partial = (positions % 64) > 0
        if partial.any():
            bits = (np.uint64(1) << (positions[partial] % 64).astype(np.uint64)) - np.uint64(1)
            inside[partial] = np.bitwise_count(self.words[word[partial]] & bits)
        result: Rows = whole + inside
        return result

    def rows(self, low: int, high: int) -> Rows:
        """The rows of the hits ranked `low` to `high` (exclusive), ascending."""
        if self.hits is not None:
            return self.hits[low:high]
        high = min(high, self.total)
        if high <= low:
            return NO_ROWS
        first = int(np.searchsorted(self.cumulative, low, side="right"))
        last = int(np.searchsorted(self.cumulative, high - 1, side="right"))
        base = int(self.cumulative[first - 1]) if first else 0
        found: Rows = np.flatnonzero(self.mask[first * 64 : (last + 1) * 64])[low - base : high - base] + first * 64
        return found


class Order:
    """Rows `0..generated-1` are in clientid order; every later row (an added client) has its place among them."""

    def __init__(self, ids: Sequence[str], generated: int) -> None:
        self._ids = ids
        self.generated = generated
        self._extra: list[int] = []
        """Rows added after the generated ones, in clientid order."""
        self._extra_rows = NO_ROWS
        self._extra_at = NO_ROWS
        """Each added row's place: how many generated rows sort before it."""
        self._listing: Rows | None = None
        """Every row in ascending listing order (while there are few: `LISTED`), made when first asked for."""

    @property
    def extra(self) -> tuple[Rows, Rows]:
        """The added rows in clientid order, and each one's place (how many generated rows sort before it)."""
        return self._extra_rows, self._extra_at

    def find(self, clientid: str) -> int | None:
        """The generated row of `clientid`, if one was generated (whether it is still there or not)."""
        ids, generated = self._ids, self.generated
        at = bisect.bisect_left(ids, clientid, 0, generated)
        return at if at < generated and ids[at] == clientid else None

    def insert(self, rows: list[int]) -> None:
        """Give these added rows their places (their clientids are neither generated nor added before)."""
        self._listing = None
        key = self._ids.__getitem__
        if len(rows) == 1:  # one newcomer (churn adds a few a minute): its place alone
            row = rows[0]
            at = bisect.bisect_left(self._extra, key(row), key=key)
            self._extra.insert(at, row)
            place = bisect.bisect_left(self._ids, key(row), 0, self.generated)
            self._extra_rows = np.insert(self._extra_rows, at, row)
            self._extra_at = np.insert(self._extra_at, at, place)
            return
        for row in rows:
            bisect.insort(self._extra, row, key=key)
        places = [bisect.bisect_left(self._ids, key(row), 0, self.generated) for row in self._extra]
        self._extra_rows = np.array(self._extra, dtype=np.int64)
        self._extra_at = np.array(places, dtype=np.int64)

    def page(self, mask: Mask, start: int, end: int) -> tuple[Rows, int]:
        """The rows of hits `start` to `end` (exclusive) of `mask` in listing (clientid-descending) order, and how
        many hits there are in all."""
        if mask.size <= LISTED:  # few rows: every row in listing order, kept until a row is added
            if self._listing is None or self._listing.size != mask.size:  # (rows added since)
                self._listing = self.ascending(np.ones(mask.size, dtype=np.bool_))
            hits = self._listing[mask[self._listing]]
            total = int(hits.size)
            found: Rows = hits[max(0, total - end) : max(0, total - start)][::-1]
            return found, total
        ranks = Ranks(mask[: self.generated])
        hit = mask[self._extra_rows]
        extra, places = self._extra_rows[hit].tolist(), self._extra_at[hit]
        total = ranks.total + len(extra)
        low, high = max(0, total - end), max(0, total - start)
        if not extra:
            return ranks.rows(low, high)[::-1], total
        # Each added row's rank among all hits: the generated hits before its place, and the added ones before it.
        merged = [before + index for index, before in enumerate(ranks.before(places).tolist())]
        inside = [(rank, row) for rank, row in zip(merged, extra, strict=True) if low <= rank < high]
        below_low = sum(rank < low for rank in merged)
        rows = ranks.rows(low - below_low, high - below_low - len(inside)).tolist()
        for rank, row in inside:
            rows.insert(rank - low, row)
        return np.array(rows[::-1], dtype=np.int64), total

    def ascending(self, mask: Mask, below: str | None = None) -> Rows:
        """Every hit of `mask` in clientid-ascending order (only those of clientids before `below`)."""
        limit = self.generated if below is None else bisect.bisect_left(self._ids, below, 0, self.generated)
        generated = np.flatnonzero(mask[:limit])
        extra, places = self._extra_rows, self._extra_at
        if below is not None:
            cut = bisect.bisect_left(self._extra, below, key=self._ids.__getitem__)
            extra, places = extra[:cut], places[:cut]
        hit = mask[extra]
        if not hit.any():
            return generated
        result: Rows = np.insert(generated, np.searchsorted(generated, places[hit]), extra[hit])
        return result
