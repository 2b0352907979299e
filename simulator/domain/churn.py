"""Churn: clients disconnecting, reconnecting and arriving as time moves, one step per simulated minute.

Each client churns on its own: when it next changes is drawn as it gets its state (`timetable.Timetable`), so a
minute reads only the clients due in it, and a jump of the clock churns exactly as the same minutes taken one by
one."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from simulator.domain.client import Client, ConnState
from simulator.domain.deadlines import MINUTE_MS, NEVER
from simulator.domain.order import NO_ROWS, Mask, Rows
from simulator.domain.population import NO_TIME
from simulator.domain.registry import STATE_CODES, Registry
from simulator.domain.timetable import NONE, Churned, Minutes, Timetable, Words, next_due

MAX_STEPS = 1440
"""At most a day of minutes is churned per move of the clock; a longer jump churns its last day, every client
waiting for its next change from that day's start."""
CONNECTED, DISCONNECTED = STATE_CODES[ConnState.CONNECTED], STATE_CODES[ConnState.DISCONNECTED]


@dataclass(frozen=True, slots=True)
class Churn:
    """Per simulated minute: each connected client's chance of disconnecting, each disconnected one's chance of
    reconnecting (unless its session ended first), and how many new clients arrive."""

    disconnects: float = 0.02
    reconnects: float = 0.1
    arrivals: float = 1.0


Arrival = Callable[[random.Random, int, int], Client]
"""Makes a new client from a step's random source, a sequence number and the instant it connects at."""


def occurrences(rng: random.Random, expected: float) -> int:
    """How many of `expected` happen: its whole part, and one more with the chance of its fraction."""
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def prepare(churn: Churn, registry: Registry, seed: int) -> Timetable:
    """When each client of `registry` next changes under `churn`, worked out now if it was not (every client:
    seconds at ten million), so that the first minute churned does not wait for it."""
    return registry.timetable(churn.disconnects, churn.reconnects, seed)


def apply(churn: Churn, registry: Registry, seed: int, from_ms: int, to_ms: int, arrive: Arrival) -> None:
    """Churn every whole minute in (from_ms, to_ms]; the same seed and minutes always churn alike, however the
    clock got there.

    Each minute: sessions ended by then are gone, the clients due then disconnect (those without a session end)
    or reconnect, and the newcomers arrive (drawn from the minute's own random source), unless a client with their
    clientid is here. The minutes are churned together: each client due in them is followed through them on its
    own, then written once."""
    first = from_ms // MINUTE_MS + 1
    last = to_ms // MINUTE_MS
    if first > last:
        return
    if registry.churn_since_ms is None:
        registry.churn_since_ms = from_ms
    if last - first >= MAX_STEPS:
        first = last - MAX_STEPS + 1
        registry.churn_since_ms = max(registry.churn_since_ms, (first - 1) * MINUTE_MS)
    timetable = prepare(churn, registry, seed)
    newcomers = []
    for minute in range(first, last + 1):
        rng = random.Random(f"{seed}:churn:{minute}")
        newcomers += [(minute, arrive(rng, minute * 1000 + n, minute * MINUTE_MS))
                      for n in range(occurrences(rng, churn.arrivals))]  # fmt: skip
    for start, end, arriving in _runs(first, last, newcomers):
        _churn(registry, timetable, start, end, arriving)


def _runs(
    first: int, last: int, newcomers: list[tuple[int, Client]]
) -> Iterator[tuple[int, int, list[tuple[int, Client]]]]:
    """The minutes cut into runs, each with its newcomers, so that no clientid arrives twice in a run but in the same
    minute (whether the later one arrives depends on what became of the earlier)."""
    start, since, arriving = first, dict[str, int](), list[tuple[int, Client]]()
    for minute, client in newcomers:
        if since.get(client.clientid, minute) != minute:
            yield start, minute - 1, arriving
            start, since, arriving = minute, {}, []
        since[client.clientid] = minute
        arriving.append((minute, client))
    yield start, last, arriving


def _churn(
    registry: Registry, timetable: Timetable, first: int, last: int, newcomers: list[tuple[int, Client]]
) -> None:
    """Churn minutes `first` to `last`: the clients due in them and those whose session ends in them, then the
    newcomers that arrive, each followed to the end."""
    ending = registry.sessions_ending(last * MINUTE_MS)
    ending = ending[timetable.peek(ending) == NONE]  # the others reconnect first: they are due
    due, minutes = timetable.due(last)
    rows = np.concatenate([due, ending])
    churned = registry.churned(rows)
    live = (churned.state == CONNECTED) | (churned.state == DISCONNECTED)
    rows, churned = rows[live], churned.only(live)
    minutes = np.concatenate([minutes, np.full(ending.size, NONE, dtype=np.int32)])[live].astype(np.int64)
    gone, after = follow(churned, timetable, minutes, rows, first, last)
    arriving = _arriving(registry, newcomers, rows, gone)
    registry.settle(rows, churned, gone != NONE, after)
    for client in arriving:
        registry.add(client)
    if arriving:
        added = np.array([registry.row_of(client.clientid) for client in arriving], dtype=np.int64)
        churned = registry.churned(added)
        gone, after = follow(churned, timetable, timetable.take(added).astype(np.int64), added, first, last)
        registry.settle(added, churned, gone != NONE, after)


def follow(
    churned: Churned, timetable: Timetable, due: Rows, rows: Rows, first: int, last: int
) -> tuple[Rows, Minutes]:
    """Follow these clients through minutes `first` to `last` from when each is next due (`NONE`: not at all),
    change after change, in `churned`; the minute each is gone in (`NONE`: still here at the end), and when each
    is next due after `last`.

    Each round moves every client still due by `last` once: the connected ones disconnect, the disconnected ones
    reconnect, so the two swap places for the next round. They are moved on copies of their columns packed
    together (a round reads no other rows); a client is written back once it is next due after `last`."""
    gone = np.full(rows.size, NONE, dtype=np.int64)
    after = np.where(due == NONE, NONE, np.maximum(due, first))  # due before the first minute: due in it
    # A client due to reconnect after its session ended (due before the first minute) is gone at the end instead.
    after[(churned.state == DISCONNECTED) & (churned.expires <= after * MINUTE_MS)] = NONE
    going = after <= last
    on = _Going.of(churned, timetable, rows, after, going & (churned.state == CONNECTED))
    off = _Going.of(churned, timetable, rows, after, going & (churned.state == DISCONNECTED))
    while on.at.size or off.at.size:
        on, off = off.reconnect(timetable, churned, after, last), on.disconnect(timetable, churned, after, gone, last)
    # Sessions ending in the minutes without a reconnect: gone in the first minute at or after their end.
    ending = (gone == NONE) & (churned.state == DISCONNECTED) & (churned.expires <= last * MINUTE_MS)
    gone[ending] = np.maximum(first, -(-churned.expires[ending] // MINUTE_MS))
    return gone, after.astype(np.int32)


@dataclass(frozen=True, slots=True)
class _Going:
    """Clients in one state, due by the last minute followed: their places among those followed, when they are
    due, the keys of their draws, and their columns (packed copies)."""

    at: Rows
    when: Rows
    keys: Words
    connected: Rows
    expiry: Rows

    @staticmethod
    def of(churned: Churned, timetable: Timetable, rows: Rows, after: Rows, which: Mask) -> _Going:
        at = np.flatnonzero(which)
        return _Going(at, after[at], timetable.keys(rows[at]), churned.connected[at], churned.expiry[at])

    def disconnect(self, timetable: Timetable, churned: Churned, after: Rows, gone: Rows, last: int) -> _Going:
        """The connected disconnect (those without a session are gone): those due again by `last`, disconnected."""
        ended = self.expiry == 0
        gone[self.at[ended]] = self.when[ended]
        going = self.only(~ended)
        left = np.maximum(going.when * MINUTE_MS, going.connected + 1)
        expires = left + going.expiry * 1000
        when = next_due(going.keys, DISCONNECTED, left, expires, timetable.chances, timetable.floor)
        done, at = when > last, going.at
        churned.state[at[done]], churned.connected[at[done]] = DISCONNECTED, going.connected[done]
        churned.disconnected[at[done]], churned.expires[at[done]] = left[done], expires[done]
        after[at[done]] = when[done]
        kept = ~done
        return _Going(at[kept], when[kept], going.keys[kept], going.connected[kept], going.expiry[kept])

    def reconnect(self, timetable: Timetable, churned: Churned, after: Rows, last: int) -> _Going:
        """The disconnected reconnect: those due again by `last`, connected."""
        connected = self.when * MINUTE_MS
        when = next_due(self.keys, CONNECTED, connected, NEVER, timetable.chances, timetable.floor)
        done, at = when > last, self.at
        churned.state[at[done]] = CONNECTED
        churned.connected[at[done]], churned.disconnected[at[done]] = connected[done], NO_TIME
        churned.expires[at[done]] = NEVER
        after[at[done]] = when[done]
        kept = ~done
        return _Going(at[kept], when[kept], self.keys[kept], connected[kept], self.expiry[kept])

    def only(self, kept: Mask) -> _Going:
        return _Going(self.at[kept], self.when[kept], self.keys[kept], self.connected[kept], self.expiry[kept])


def _arriving(registry: Registry, newcomers: list[tuple[int, Client]], rows: Rows, gone: Rows) -> list[Client]:
    """The newcomers that arrive: those whose clientid is not here in their minute (`rows` were followed through
    the minutes; the others are as they are now)."""
    found = [registry.row_of(client.clientid) for _, client in newcomers]
    taken = np.array([row for row in found if row is not None], dtype=np.int64)
    # Where each clientid that had a row is among those followed: one pass over them, however many newcomers.
    followed = np.flatnonzero(np.isin(rows, taken, kind="table")) if taken.size and rows.size else NO_ROWS
    places = dict(zip(rows[followed].tolist(), followed.tolist(), strict=True))
    arriving: list[Client] = []
    arrived: set[str] = set()
    for (minute, client), row in zip(newcomers, found, strict=True):
        if client.clientid in arrived:  # arrived earlier in the same minute (`_runs`)
            continue
        if row is not None:
            place = places.get(row)
            if gone[place] > minute if place is not None else registry.is_live(row):
                continue
        arriving.append(client)
        arrived.add(client.clientid)
    return arriving
