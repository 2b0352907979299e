"""When each client next changes state under churn, and the clients due in a minute found without reading the rest.

A connected client disconnects in each minute with one chance, a disconnected one reconnects with another, each
decided on its own. So the wait from the minute a client got its state to the minute it next changes is geometric,
and drawn at once: the wait is read from a counter-based draw (SplitMix64, `population.details.draw`) keyed by the
clientid's hash and the seed, counted by the minute the client got its state and the state. Since the draw depends
on nothing but the client's state and when it got it, churn comes out the same whether the clock moves a minute at
a time or a day at once, and a state read back from a file churns on as the one written did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from simulator.domain.bucketed import ByMinute
from simulator.domain.client import ConnState
from simulator.domain.deadlines import MINUTE_MS
from simulator.domain.order import Mask, Rows
from simulator.domain.population import STATES
from simulator.domain.population.details import draw, mixed

Minutes = npt.NDArray[np.int32]
Words = npt.NDArray[np.uint64]
DISCONNECTED = STATES.index(ConnState.DISCONNECTED)
NONE = np.iinfo(np.int32).max
"""The due minute of a client churn never changes (idle, gone, or whose session ends before it would reconnect)."""
LONGEST_WAIT = 100_000_000
"""Minutes: a wait drawn longer (a chance so small it comes once in centuries) is no change at all."""


def next_due(
    keys: Words,
    state: npt.NDArray[np.int8] | int,
    since: Rows,
    expires: Rows | int,
    chances: npt.NDArray[np.float64],
    floor: int,
) -> Rows:
    """The minute each of these clients next changes state (`NONE`: never), from its state (one for all, or
    each its own), the instant it got it (or the floor, if earlier) and when its session ends: a geometric wait
    with its state's chance per minute, `floor(log1p(-u) * (1 / log1p(-chance))) + 1` minutes for its draw `u`."""
    anchor = np.maximum(since // MINUTE_MS, floor)
    scales = np.zeros(chances.size, dtype=np.float64)  # a chance of 1 waits a minute; one of 0 never ends
    some = (chances > 0) & (chances < 1)
    scales[some] = 1 / np.log1p(-chances[some])
    counters = (anchor * 4 + state).astype(np.uint64)
    wait = np.minimum(np.floor(np.log1p(-draw(keys, counters)) * scales[state]) + 1, LONGEST_WAIT).astype(np.int64)
    due = anchor + wait
    # A disconnected client whose session ends first never reconnects (its session's deadline removes it).
    never = (chances <= 0)[state] | (wait >= LONGEST_WAIT) | (due * MINUTE_MS >= expires)
    result: Rows = np.where(never, NONE, due)
    return result


@dataclass(frozen=True, slots=True)
class Churned:
    """Some rows' state codes, times (ms) and session expiry intervals (s), as churn moves them (in place)."""

    state: npt.NDArray[np.int8]
    connected: Rows
    disconnected: Rows
    expires: Rows
    expiry: Rows

    def only(self, kept: Mask) -> Churned:
        """The rows `kept`."""
        return Churned(
            self.state[kept], self.connected[kept], self.disconnected[kept], self.expires[kept], self.expiry[kept]
        )

    def since(self) -> Rows:
        """The instant each row got its state."""
        since: Rows = np.where(self.state == DISCONNECTED, self.disconnected, self.connected)
        return since


class Source(Protocol):
    """What the timetable reads of the clients: their state codes and times, and their clientids' hashes."""

    def churned(self, rows: Rows) -> Churned: ...

    def id_hashes(self, low: int, high: int) -> Words: ...


class Timetable:
    """Each row's due minute, and the rows by their due minute (a row may be listed again under a later minute; a
    listing whose minute is no longer the row's is skipped)."""

    def __init__(self, source: Source, chances: npt.NDArray[np.float64], seed: int, floor_ms: int) -> None:
        """`chances`: per state code, the chance in a minute of leaving that state (0: never). `floor_ms`: a client
        that got its state before it waits from there (churn started then: the population's instant, or the start
        of the last day of a longer jump)."""
        self._source = source
        self._chances = chances
        self._seed = mixed(np.array([seed % 2**64], dtype=np.uint64))
        self._floor = floor_ms // MINUTE_MS
        self._keys: Words = np.zeros(0, dtype=np.uint64)
        self._hashed = 0
        """Rows whose key is worked out (the arrays have room for more)."""
        self._due: Minutes = np.zeros(0, dtype=np.int32)
        self._listed = ByMinute()
        """The rows by their due minute."""

    @property
    def chances(self) -> npt.NDArray[np.float64]:
        return self._chances

    @property
    def floor(self) -> int:
        """The minute a client that got its state before churn started waits from."""
        return self._floor

    def keys(self, rows: Rows) -> Words:
        """The keys of these rows' draws."""
        self._cover(int(rows.max()) + 1 if rows.size else 0)
        keys: Words = self._keys[rows]
        return keys

    def schedule(self, rows: Rows) -> None:
        """Work out when these rows next change, from their state now."""
        if not rows.size:
            return
        now = self._source.churned(rows)
        due = next_due(self.keys(rows), now.state, now.since(), now.expires, self._chances, self._floor)
        self.put(rows, due.astype(np.int32))

    def put(self, rows: Rows, due: Minutes) -> None:
        """These rows are next due at `due` (worked out as `schedule` would)."""
        self._cover(int(rows.max()) + 1)
        self._due[rows] = due
        due_some = due != NONE
        self._list(due[due_some], rows[due_some])

    def peek(self, rows: Rows) -> Minutes:
        """When these rows are due (`NONE`: never)."""
        self._cover(int(rows.max()) + 1 if rows.size else 0)
        due: Minutes = self._due[rows]
        return due

    def take(self, rows: Rows) -> Minutes:
        """When these rows are due (`NONE`: never), no longer listed."""
        self._cover(int(rows.max()) + 1 if rows.size else 0)
        due = self._due[rows]
        self._due[rows] = NONE
        return due

    def due(self, minute: int) -> tuple[Rows, Minutes]:
        """The rows due at `minute` or before, each once, and when each is due; taken out."""
        found: list[npt.NDArray[np.int32]] = []
        minutes: list[int] = []
        sizes: list[int] = []
        while self._listed.first is not None and self._listed.first <= minute:
            listed, batches = self._listed.take()
            found += [rows for (rows,) in batches]
            minutes.append(listed)
            sizes.append(sum(rows.size for (rows,) in batches))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        rows = np.concatenate(found).astype(np.int64)
        listed_at = np.repeat(np.array(minutes, dtype=np.int32), sizes)
        valid = self._due[rows] == listed_at
        rows, listed_at = rows[valid], listed_at[valid]
        # A row listed twice under its minute: its last listing is kept.
        positions = np.arange(rows.size, dtype=np.int32)
        self._due[rows] = positions
        once = self._due[rows] == positions
        rows, listed_at = rows[once], listed_at[once]
        self._due[rows] = NONE
        return rows, listed_at

    def _list(self, due: Minutes, rows: Rows) -> None:
        self._listed.file(due, rows.astype(np.int32))

    def _cover(self, size: int) -> None:
        """Keys and due minutes for rows up to `size` (rows added since are hashed as they come)."""
        if size <= self._hashed:
            return
        room = self._keys.size
        if size > room:
            grown = max(size, room + room // 2)
            keys = np.zeros(grown, dtype=np.uint64)
            keys[:room] = self._keys
            due = np.full(grown, NONE, dtype=np.int32)
            due[:room] = self._due
            self._keys, self._due = keys, due
        self._keys[self._hashed : size] = self._source.id_hashes(self._hashed, size) ^ self._seed
        self._hashed = size
