"""The live clients of the deployment, by clientid, in EMQX's listing order, with session expiry.

Every field a list filter reads is kept as a column (numpy arrays, one row per client), so a filter over a
million clients is a few vectorized comparisons, and the order is an array of rows sorted by clientid. A generated
client that nothing has changed is not kept as an object: it is built again from its row when asked for.

It is the one module over 300 lines: its columns, its order and its expiry index change together on every
add, kick and expiry, and split apart they would each reach into the others' arrays.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.domain.census import Counts
from simulator.domain.client import Client, ConnState
from simulator.domain.codes import Codes, Ids
from simulator.domain.population import NO_TIME, PROTOCOLS, STATES, ZONES, Population, Progress, node_names
from simulator.domain.query import ClientQuery, Page

BUILT_CLIENTS = 16_384
"""Generated clients kept once built, most recently used first (a page served again needs no new ones)."""
NEVER = np.iinfo(np.int64).max
"""The expiry of a session that is attached."""
STATE_CODES = {state: code for code, state in enumerate(STATES)}
Mask = npt.NDArray[np.bool_]
VERSIONS = 256
"""Protocol versions counted with one bincount (a scenario may give any other, counted by sorting)."""


_versions = itertools.count(1)


class Registry:
    """Clients by clientid; iterates in clientid-descending byte order; drops sessions that expired.

    `version` changes with every change to any client (unique across registries), so an answer computed at
    one version holds for as long as the version is the same.
    """

    def __init__(
        self, clients: Iterable[Client] = (), population: Population | None = None, progress: Progress | None = None
    ) -> None:
        core = population.core if population is not None else None
        rows = len(core) if core is not None else 0

        def report(done: int) -> None:
            if progress is not None and rows:
                progress("indexing", done, rows)

        report(0)
        self._build = population.materialize if population else _no_population
        self._built = functools.lru_cache(maxsize=BUILT_CLIENTS)(self._build)
        self._ids: list[str] = list(core.clientid) if core is not None else []
        self._ips: list[str] = list(core.ip_address) if core is not None else []
        self._objects: dict[int, Client] = {}
        self._names = Codes()
        self._zones = Codes(ZONES)
        self._nodes = Codes(node_names(population.spec.nodes) if population is not None else ())
        self._protocols = Codes(name for name, _ in PROTOCOLS)
        self._size = rows
        capacity = max(16, rows)
        self._alive = np.zeros(capacity, dtype=np.bool_)
        self._state = np.zeros(capacity, dtype=np.int8)
        self._clean = np.zeros(capacity, dtype=np.bool_)
        self._username = np.zeros(capacity, dtype=np.int32)
        self._zone = np.zeros(capacity, dtype=np.int32)
        self._node = np.zeros(capacity, dtype=np.int32)
        self._proto_name = np.zeros(capacity, dtype=np.int32)
        self._proto_ver = np.zeros(capacity, dtype=np.int64)
        self._created = np.zeros(capacity, dtype=np.int64)
        self._connected = np.zeros(capacity, dtype=np.int64)
        self._expires = np.full(capacity, NEVER, dtype=np.int64)
        self._pending: list[tuple[int, int]] = []
        if core is not None:
            self._alive[:rows] = True
            self._state[:rows] = core.state
            self._clean[:rows] = core.clean_start
            self._username[:rows] = self._names.column(core.username)
            self._zone[:rows] = core.zone
            self._node[:rows] = core.node
            self._proto_name[:rows] = np.array([self._protocols.code(n) for n, _ in PROTOCOLS], np.int32)[core.protocol]
            self._proto_ver[:rows] = np.array([version for _, version in PROTOCOLS], np.int64)[core.protocol]
            self._created[:rows] = core.created_at_ms
            self._connected[:rows] = core.connected_at_ms
            expires = core.disconnected_at_ms + core.expiry_interval.astype(np.int64) * 1000
            self._expires[:rows] = np.where(core.disconnected_at_ms == NO_TIME, NEVER, expires)
        report(rows // 3)
        by_expiry = np.argsort(self._expires[:rows], kind="stable")
        self._deadlines = self._expires[:rows][by_expiry]
        self._deadline_rows = by_expiry.astype(np.int64)
        self._next_deadline = 0
        self._ascending = np.array(sorted(range(rows), key=self._ids.__getitem__), dtype=np.int64)
        report(rows * 2 // 3)
        self._slot: dict[str, int] = {clientid: row for row, clientid in enumerate(self._ids)}
        self._count = rows
        self.version = next(_versions)
        report(rows)
        for client in population.objects if population is not None else ():
            self.add(client)
        self._generated = self._size
        """Rows of the population as generated; later ones are clients added since."""
        for client in clients:
            self.add(client)

    def __len__(self) -> int:
        return self._count

    def get(self, clientid: str) -> Client | None:
        """The client, as it is now; a generated client nothing changed is built afresh for each call."""
        row = self._slot.get(clientid)
        return None if row is None else self._client(row)

    def touch(self, clientid: str) -> Client | None:
        """The client as an object the registry keeps: changes to its subscriptions last; call `add` after
        changing anything a filter reads (state, times)."""
        row = self._slot.get(clientid)
        if row is None:
            return None
        self.version = next(_versions)
        client = self._objects.get(row)
        if client is None:
            client = self._objects[row] = self._client(row)
        return client

    def add(self, client: Client) -> None:
        """Add a client, or record the changed state and times of one already here."""
        row = self._slot.get(client.clientid)
        if row is None:
            row = self._size
            if row == len(self._alive):
                self._grow()
            self._size += 1
            self._ids.append(client.clientid)
            self._ips.append(client.identity.ip_address)
            self._slot[client.clientid] = row
            position = bisect.bisect_left(self._ascending, client.clientid, key=self._key)
            self._ascending = np.insert(self._ascending, position, row)
            self._count += 1
        ident = client.identity
        self.version = next(_versions)
        self._objects[row] = client
        self._alive[row] = True
        self._state[row] = STATE_CODES[client.state]
        self._clean[row] = ident.clean_start
        self._username[row] = self._names.code(ident.username)
        self._zone[row] = self._zones.code(ident.zone)
        self._node[row] = self._nodes.code(ident.node)
        self._proto_name[row] = self._protocols.code(ident.proto_name)
        self._proto_ver[row] = ident.proto_ver
        self._created[row] = client.created_at_ms
        self._connected[row] = client.connected_at_ms
        expires = client.expires_at_ms
        self._expires[row] = NEVER if expires is None else expires
        if expires is not None:
            heapq.heappush(self._pending, (expires, row))

    def remove(self, clientid: str) -> None:
        row = self._slot.pop(clientid, None)
        if row is not None:
            position = bisect.bisect_left(self._ascending, clientid, key=self._key)
            self._ascending = np.delete(self._ascending, position)
            self._forget(row)

    def remove_many(self, clientids: Iterable[str]) -> None:
        """Remove these clients (any that are not here are skipped), reordering once."""
        rows = [row for row in (self._slot.pop(clientid, None) for clientid in clientids) if row is not None]
        for row in rows:
            self._forget(row)
        if rows:
            self._ascending = self._ascending[self._alive[self._ascending]]

    def window(self, start: int, end: int) -> list[Client]:
        """Clients `start` to `end` (exclusive) of the descending order, without walking the others."""
        size = self._count
        rows = self._ascending[max(0, size - end) : max(0, size - start)]
        return [self._client(int(row)) for row in rows[::-1]]

    def changes(self) -> tuple[list[str], list[Client]]:
        """What differs from the generated population: the generated clients that are gone, and every client
        kept as an object (changed, added, or given whole), in listing order."""
        gone = [self._ids[row] for row in np.flatnonzero(~self._alive[: self._generated]).tolist()]
        kept = [self._objects[row] for row in self._ascending[::-1].tolist() if row in self._objects]
        return [clientid for clientid in gone if clientid not in self._slot], kept

    def ids_in_state(self, state: ConnState) -> Sequence[str]:
        """The clientids of the clients in `state`, in listing order (looked up as they are read)."""
        ordered = self._ascending[::-1]
        return Ids(self._ids, ordered[self._state[ordered] == STATE_CODES[state]])

    def select(self, query: ClientQuery, page: int, limit: int) -> Page:
        """The `page`-th run of `limit` clients matching `query`, in listing order, with an exact count."""
        start = (page - 1) * limit
        end = start + limit
        if query.empty:
            return Page(self.window(start, end), page, limit, hasnext=self._count > end, count=self._count)
        hits = np.flatnonzero(self._matching(query)[self._ascending])
        matched = int(hits.size)
        chosen = self._ascending[hits[max(0, matched - end) : max(0, matched - start)]][::-1]
        return Page(
            clients=[self._client(int(row)) for row in chosen],
            page=page,
            limit=limit,
            hasnext=matched > end,
            count=None if query.fuzzy else matched,
        )

    def scan(self, query: ClientQuery, after: str | None = None) -> tuple[npt.NDArray[np.int64], Mask]:
        """EMQX 5's view of a list query: the rows matching its exact filters, in listing order (only those after
        the clientid `after`), and which of them its substring filters keep."""
        ascending = self._ascending
        if after is not None:
            ascending = ascending[: bisect.bisect_left(ascending, after, key=self._key)]
        exact, fuzzy = query.split()
        if not exact.empty:
            ascending = ascending[np.flatnonzero(self._matching(exact)[ascending])]
        rows = ascending[::-1]
        keep = np.ones(rows.size, dtype=np.bool_) if fuzzy.empty else self._matching(fuzzy)[rows]
        return rows, keep

    def clients(self, rows: npt.NDArray[np.int64]) -> list[Client]:
        return [self._client(int(row)) for row in rows]

    def clientid(self, row: int) -> str:
        return self._key(row)

    def count(self, query: ClientQuery) -> int:
        """How many clients match `query` (substring filters included)."""
        return self._count if query.empty else int(np.count_nonzero(self._matching(query)))

    def counts(self) -> Counts:
        """Live clients by state, node and protocol, counted over the columns (`np.bincount`; no client built)."""
        alive = np.flatnonzero(self._alive[: self._size])
        states = self._state[alive].astype(np.int64)
        by_state = np.bincount(states, minlength=len(STATES)).tolist()
        width = len(STATES)
        by_node = np.bincount(self._node[alive] * width + states, minlength=len(self._nodes.values) * width).tolist()
        # Versions are a handful of small numbers: one bincount of name and version together when they fit.
        names, versions = self._proto_name[alive].astype(np.int64), self._proto_ver[alive]
        if versions.size and versions.min() >= 0 and versions.max() < VERSIONS:
            joined = np.bincount(names * VERSIONS + versions)
            found = np.flatnonzero(joined)
            pairs, counts = np.stack((found // VERSIONS, found % VERSIONS)), joined[found]
        else:
            pairs, counts = np.unique(np.stack((names, versions)), axis=1, return_counts=True)
        return Counts(
            total=self._count,
            by_state={state: by_state[code] for code, state in enumerate(STATES)},
            by_node={
                node: {state: by_node[code * width + index] for index, state in enumerate(STATES)}
                for code, node in enumerate(self._nodes.values)
            },
            by_protocol={
                (self._protocols.values[name], version): count
                for (name, version), count in zip(pairs.T.tolist(), counts.tolist(), strict=True)
            },
        )

    def sample(self, size: int) -> list[Client]:
        """At most `size` live clients, whole, spread evenly over the rows (the same ones while nothing changes);
        built without passing through the cache of built clients, so pages served again keep theirs."""
        alive = np.flatnonzero(self._alive[: self._size])
        picked = alive[np.linspace(0, alive.size, min(size, alive.size), endpoint=False).astype(np.int64)]
        return [self._objects.get(row) or self._build(row) for row in picked.tolist()]

    def expire(self, now_ms: int) -> list[str]:
        """Remove the disconnected clients whose session expired at or before `now_ms`; return their ids."""
        due = int(np.searchsorted(self._deadlines, now_ms, side="right"))
        candidates = [
            (int(deadline), int(row))
            for deadline, row in zip(
                self._deadlines[self._next_deadline : due], self._deadline_rows[self._next_deadline : due], strict=True
            )
        ]
        self._next_deadline = max(self._next_deadline, due)
        while self._pending and self._pending[0][0] <= now_ms:
            candidates.append(heapq.heappop(self._pending))
        gone_rows = sorted({row for deadline, row in candidates if self._alive[row] and self._expires[row] == deadline})
        if not gone_rows:
            return []
        gone = [self._ids[row] for row in gone_rows]
        self.remove_many(gone)
        return gone

    def _key(self, row: Any) -> str:
        clientid: str = self._ids[row]
        return clientid

    def _forget(self, row: int) -> None:
        self.version = next(_versions)
        self._objects.pop(row, None)
        self._alive[row] = False
        self._expires[row] = NEVER
        self._count -= 1

    def _client(self, row: int) -> Client:
        client = self._objects.get(row)
        if client is not None:
            return client
        return self._built(row)

    def _grow(self) -> None:
        for name in ("_alive", "_state", "_clean", "_username", "_zone", "_node", "_proto_name", "_proto_ver",
                     "_created", "_connected", "_expires"):  # fmt: skip
            column = getattr(self, name)
            grown = np.full(len(column) * 2, NEVER if name == "_expires" else 0, dtype=column.dtype)
            grown[: len(column)] = column
            setattr(self, name, grown)

    def _matching(self, query: ClientQuery) -> Mask:
        """Which rows match every filter of `query` (rows of removed clients never do)."""
        size = self._size
        mask = self._alive[:size].copy()
        if query.clientid is not None:
            only = np.zeros(size, dtype=np.bool_)
            only[[row for row in map(self._slot.get, query.clientid) if row is not None]] = True
            mask &= only
        elif query.like_clientid is not None:
            part = query.like_clientid
            mask &= np.fromiter((part in clientid for clientid in self._ids), dtype=np.bool_, count=size)
        if query.username is not None:
            codes = [code for code in map(self._names.codes.get, query.username) if code is not None]
            mask &= self._username[:size] == codes[0] if len(codes) == 1 else np.isin(self._username[:size], codes)
        elif query.like_username is not None:
            part = query.like_username
            hit = np.fromiter((part in (name or "") for name in self._names.values), dtype=np.bool_)
            mask &= hit[self._username[:size]]
        if query.zone is not None:
            mask &= self._equal(self._zone, self._zones, query.zone)
        if query.proto_name is not None:
            mask &= self._equal(self._proto_name, self._protocols, query.proto_name)
        if query.ip_address is not None:
            address = query.ip_address
            mask &= np.fromiter((ip == address for ip in self._ips), dtype=np.bool_, count=size)
        if query.like_ip_address is not None:
            part = query.like_ip_address
            mask &= np.fromiter((part in ip for ip in self._ips), dtype=np.bool_, count=size)
        if query.node is not None:
            mask &= self._equal(self._node, self._nodes, query.node)
        if query.conn_state is not None:
            states = [STATE_CODES[state] for state in query.conn_state]
            mask &= self._state[:size] == states[0] if len(states) == 1 else np.isin(self._state[:size], states)
        if query.clean_start is not None:
            mask &= self._clean[:size] == query.clean_start
        if query.proto_ver is not None:
            if -(2**63) <= query.proto_ver < 2**63:
                mask &= self._proto_ver[:size] == query.proto_ver
            else:
                mask[:] = False
        for column, low, high in (
            (self._created, query.gte_created_at, query.lte_created_at),
            (self._connected, query.gte_connected_at, query.lte_connected_at),
        ):
            if low is not None:
                mask &= column[:size] >= low
            if high is not None:
                mask &= column[:size] <= high
        return mask

    def _equal(self, column: npt.NDArray[np.int32], table: Codes, value: str) -> Mask:
        code = table.codes.get(value)
        if code is None:
            return np.zeros(self._size, dtype=np.bool_)
        result: Mask = column[: self._size] == code
        return result


def _no_population(row: int) -> Client:
    raise AssertionError(f"row {row} has no object and there is no generated population")
