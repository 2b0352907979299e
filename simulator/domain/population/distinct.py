"""Distinct clientids: each generated clientid already taken (by an earlier client) is drawn again, in row order, as
a Python set of strings would decide it; but decided by 64-bit hashes of their bytes, so a million clientids need
no Python object each. The tries are drawn and checked a batch at a time, and the generator then moved on by
exactly the tries used, so the draws are those of trying one at a time."""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from simulator.domain.population import formatting
from simulator.domain.search import hashes_of

Hashes = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]


class Taken:
    """Hashes of the clientids taken so far, as a few sorted arrays of sizes halving from the first (a new batch
    merged into those no larger than itself), so adding is cheap and looking up takes a search per array."""

    def __init__(self) -> None:
        self._levels: list[Hashes] = []

    def add(self, hashes: Hashes) -> None:
        level = np.sort(hashes)
        while self._levels and self._levels[-1].size <= level.size:
            level = np.sort(np.concatenate([self._levels.pop(), level]))
        self._levels.append(level)

    def contains(self, hashes: Hashes) -> Mask:
        found = np.zeros(hashes.size, dtype=np.bool_)
        for level in self._levels:
            at = np.minimum(np.searchsorted(level, hashes), level.size - 1)
            found |= level[at] == hashes
        return found


class Tries:
    """Fresh clientids drawn from `gen` (three numbers a try: style, first, second), a batch at a time, each with
    its hash and whether it is taken; `settle` leaves `gen` as if only the tries used had been drawn."""

    def __init__(self, gen: np.random.Generator, taken: Taken) -> None:
        self._gen = gen
        self._taken = taken
        self._start = gen.bit_generator.state
        self.used = 0
        self._tries: list[tuple[bytes, int, bool]] = []

    def next(self) -> tuple[bytes, int, bool]:
        if self.used == len(self._tries):
            count = max(64, len(self._tries))
            draws = self._gen.integers(0, 2**63, 3 * count).reshape(count, 3)
            clientids = formatting.clientids(draws[:, 0] % 8, draws[:, 1], draws[:, 2])
            hashes = hashes_of(clientids)
            self._tries += zip(clientids.tolist(), hashes.tolist(), self._taken.contains(hashes).tolist(), strict=True)
        self.used += 1
        return self._tries[self.used - 1]

    def settle(self) -> None:
        self._gen.bit_generator.state = self._start
        self._gen.integers(0, 2**63, 3 * self.used)


def distinct(gen: np.random.Generator, clientids: npt.NDArray[np.bytes_], taken: Taken) -> npt.NDArray[np.bytes_]:
    """`clientids` with each one taken before it (in `taken`, or by an earlier row) replaced by tries from `gen`
    until one is not; all of them then in `taken`."""
    hashes = hashes_of(clientids)
    size = hashes.size
    values, first = np.unique(hashes, return_index=True)
    again = np.ones(size, dtype=np.bool_)
    again[first] = False
    again |= taken.contains(hashes)
    if not again.any():
        taken.add(hashes)
        return clientids
    first_row = dict(zip(values.tolist(), first.tolist(), strict=True))
    """Each clientid's first row: a try equal to an earlier row's own clientid is taken."""
    rows = np.flatnonzero(again).tolist()  # ascending: a heap already
    queued = set(rows)
    replaced: dict[int, tuple[bytes, int]] = {}
    tried = set()
    """Hashes of this batch's replacements so far."""
    tries = Tries(gen, taken)
    while rows:
        row = heapq.heappop(rows)
        while True:
            clientid, hashed, is_taken = tries.next()
            if not is_taken and hashed not in tried and first_row.get(hashed, size) >= row:
                break
        replaced[row] = clientid, hashed
        tried.add(hashed)
        later = first_row.get(hashed)
        if later is not None and later > row and later not in queued:  # its own clientid is now taken
            heapq.heappush(rows, later)
            queued.add(later)
    tries.settle()
    width = max(clientids.dtype.itemsize, *(len(clientid) for clientid, _ in replaced.values()))
    result = clientids.astype(f"S{width}")
    result[list(replaced)] = [clientid for clientid, _ in replaced.values()]
    hashes[list(replaced)] = [hashed for _, hashed in replaced.values()]
    taken.add(hashes)
    return result
