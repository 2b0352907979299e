"""The live clients of the deployment, by clientid, in EMQX's listing order, with session expiry.

Every field a list filter reads is kept as a column (numpy arrays, one row per client), so a filter over a
million clients is a few vectorized comparisons; clientids, user names and addresses are text columns
(`TextColumn`: the generated rows' bytes, strings for rows changed or added since). Generated rows are in
clientid order (`Order` merges in rows added later), so a row's clientid is found by bisection and a mask is
already in listing order. A removed client's row stays, its state GONE. A generated client that nothing has
changed is not kept as an object: it is built again from its row when asked for; one whose state alone
changed (churn) is kept in the columns as well.

It is the one module over 300 lines: its columns, its order and its expiry index change together on every
add, kick and expiry, and split apart they would each reach into the others' arrays.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import cast

import numpy as np
import numpy.typing as npt

from simulator.domain.built import Built
from simulator.domain.census import Counts
from simulator.domain.client import Client, ConnState
from simulator.domain.codes import Codes
from simulator.domain.deadlines import NEVER, Deadlines
from simulator.domain.order import NO_ROWS, Mask, Order, Rows
from simulator.domain.paced import Pause, let_go
from simulator.domain.population import NO_TIME, PROTOCOLS, STATES, ZONES, Population, Progress, node_names
from simulator.domain.query import ClientQuery, Page
from simulator.domain.search import TextColumn, fixed_width, hashes_of
from simulator.domain.timetable import Churned, Minutes, Timetable, Words

FUZZY_ROWS = 65_536
"""Rows a substring filter reads first for a list's page; it reads twice as many each time it needs more."""
BUILT_CLIENTS = 16_384
"""Generated clients kept once built (a page served again needs no new ones)."""
STATE_CODES = {state: code for code, state in enumerate(STATES)}
GONE = len(STATES)
"""The state code of a removed client's row (and of a row never filled): a row is live while its state is not."""
VERSIONS = 256
"""Protocol versions counted with one bincount (a scenario may give any other, counted by sorting)."""
COLUMNS = {
    "_state": (np.int8, GONE), "_clean": (np.bool_, 0), "_zone": (np.int8, 0),
    "_node": (np.int8, 0), "_proto_name": (np.int8, 0), "_proto_ver": (np.int8, 0),
    "_created": (np.int64, 0), "_connected": (np.int64, 0), "_disconnected": (np.int64, NO_TIME),
    "_expiry": (np.int64, 0), "_expires": (np.int64, NEVER), "_moved": (np.bool_, 0), "_kept_rows": (np.bool_, 0),
}  # fmt: skip
"""The columns, their types and the value of a row never filled. Zone, node and protocol name and version are codes
into a table of their distinct values: a byte each, a filter's pass over ten million rows reads 10 MB (a column
whose table outgrows a byte is widened to 32 bits)."""
CODED = {"_zone": "_zones", "_node": "_nodes", "_proto_name": "_protocols", "_proto_ver": "_versions"}
"""The columns of codes, and their tables."""


_versions = itertools.count(1)
Joined = Callable[[Hashable], bytes | None]
"""The clients of a page's `run` already serialized and joined, if they were (`Page.joined`)."""


class Registry:
    """Clients by clientid; iterates in clientid-descending byte order; drops sessions that expired.

    `version` changes with every change to any client (unique across registries), so an answer computed at
    one version holds for as long as the version is the same.
    """

    _state: npt.NDArray[np.int8]
    _clean: Mask
    _zone: npt.NDArray[np.int8 | np.int32]
    _node: npt.NDArray[np.int8 | np.int32]
    _proto_name: npt.NDArray[np.int8 | np.int32]
    _proto_ver: npt.NDArray[np.int8 | np.int32]
    _created: Rows
    _connected: Rows
    _disconnected: Rows
    _expiry: Rows
    _expires: Rows
    _moved: Mask
    """Rows whose state and times changed in the columns alone (the client is not kept as an object)."""
    _kept_rows: Mask
    """Rows whose client is kept as an object."""

    def __init__(
        self, clients: Iterable[Client] = (), population: Population | None = None, progress: Progress | None = None
    ) -> None:
        core = population.core if population is not None else None
        rows = len(core) if core is not None else 0

        def report(done: int) -> None:
            if progress is not None and rows:
                progress("indexing", done, rows)

        report(0)
        self._population = population
        self.churn_since_ms: int | None = population.spec.now_ms if population is not None else None
        """Churn started here: a client that got its state before waits for its next change from here (None: from
        the first minute churned)."""
        self._timetable: tuple[tuple[float, float, int, int], Timetable] | None = None
        """When each client next changes under churn, for the chances, seed and floor it was made for."""
        self._built = Built(population.materialize_rows, BUILT_CLIENTS) if population else None
        self._ids, self._ips, self._usernames = TextColumn.empty(), TextColumn.empty(), TextColumn.empty()
        if core is not None:
            generated = core
            self._ids = TextColumn(rows, generated.clientid_at, lambda: [(None, generated.clientid)])
            self._ips = TextColumn(rows, generated.ip_at, generated.ip_texts)
            self._usernames = TextColumn(
                rows, generated.username_at, lambda: [(None, generated.username)], ~generated.has_username
            )
        self._order = Order(cast(Sequence[str], self._ids), rows)
        self._added: dict[str, int] = {}
        """Rows of clients added after the generated ones, by clientid (a removed one's row is kept for it)."""
        self._objects: dict[int, Client] = {}
        self._zones = Codes(ZONES)
        self._nodes = Codes(node_names(population.spec.nodes) if population is not None else ())
        self._protocols = Codes(name for name, _ in PROTOCOLS)
        self._versions = Codes(version for _, version in PROTOCOLS)
        self._size = rows
        capacity = max(16, rows)
        for name, (dtype, empty) in COLUMNS.items():
            setattr(self, name, np.full(capacity, empty, dtype=dtype))
        for name in CODED:
            self._fit(name)
        if core is not None:
            self._state[:rows] = core.state
            self._clean[:rows] = core.clean_start
            self._zone[:rows] = core.zone
            self._node[:rows] = core.node
            self._proto_name[:rows] = np.array([self._protocols.code(n) for n, _ in PROTOCOLS], np.int8)[core.protocol]
            self._proto_ver[:rows] = np.array([self._versions.code(v) for _, v in PROTOCOLS], np.int8)[core.protocol]
            self._created[:rows] = core.created_at_ms
            self._connected[:rows] = core.connected_at_ms
            self._disconnected[:rows] = core.disconnected_at_ms
            self._expiry[:rows] = core.expiry_interval
            expires = core.disconnected_at_ms + core.expiry_interval.astype(np.int64) * 1000
            self._expires[:rows] = np.where(core.disconnected_at_ms == NO_TIME, NEVER, expires)
        report(rows // 2)
        self._extremes: dict[str, list[int]] = {
            name: [int(getattr(self, name)[:rows].min()), int(getattr(self, name)[:rows].max())]
            if rows
            else [NEVER, -NEVER]
            for name in ("_created", "_connected")
        }
        """Of each time column, a value at or below every row's and one at or above: they widen as rows are written
        and never narrow (a removed row's time still counts), so a bound beyond them keeps every row."""
        self._deadlines = Deadlines(self._expires[:rows])
        self._count = rows
        self.version = next(_versions)
        report(rows)
        self._add_all(population.objects if population is not None else ())
        self._generated = self._size
        """Rows of the population as generated; later ones are clients added since."""
        self._add_all(clients)

    def __len__(self) -> int:
        return self._count

    def release(self, pause: Pause) -> None:
        """Let go of the clients and their strings a few at a time, calling `pause` between (`paced`), once nothing
        reads this registry any more: freeing millions of them at once would hold the GIL for seconds, and every
        request with it."""
        if self._built is not None:
            self._built.clear(pause)
        let_go(self._objects, pause)
        for texts in (self._ids, self._ips, self._usernames):
            texts.release(pause)

    def get(self, clientid: str) -> Client | None:
        """The client, as it is now; a generated client nothing changed is built afresh for each call."""
        row = self._row(clientid)
        return None if row is None or self._state[row] == GONE else self._client(row)

    def touch(self, clientid: str) -> Client | None:
        """The client as an object the registry keeps: changes to its subscriptions last; call `add` after
        changing anything a filter reads (state, times)."""
        row = self._row(clientid)
        if row is None or self._state[row] == GONE:
            return None
        self.version = next(_versions)
        client = self._objects.get(row)
        if client is None:
            client = self._objects[row] = self._client(row)
            self._kept_rows[row] = True
            self._moved[row] = False
        return client

    def add(self, client: Client) -> None:
        """Add a client, or record the changed state and times of one already here."""
        self._add_all([client])

    def _add_all(self, clients: Iterable[Client]) -> None:
        added: list[int] = []
        for client in clients:
            row = self._row(client.clientid)
            if row is None:
                row = self._size
                if row == len(self._state):
                    self._grow()
                self._size += 1
                self._ids.append(client.clientid)
                self._ips.append(client.identity.ip_address)
                self._usernames.append(client.identity.username)
                self._added[client.clientid] = row
                added.append(row)
            self._record(row, client)
        if added:
            self._order.insert(added)

    def _record(self, row: int, client: Client) -> None:
        ident = client.identity
        self.version = next(_versions)
        if self._state[row] == GONE:
            self._count += 1
        self._objects[row] = client
        self._kept_rows[row] = True
        self._moved[row] = False
        self._state[row] = STATE_CODES[client.state]
        self._clean[row] = ident.clean_start
        self._ips.set(row, ident.ip_address)
        self._usernames.set(row, ident.username)
        for name, value in (
            ("_zone", ident.zone),
            ("_node", ident.node),
            ("_proto_name", ident.proto_name),
            ("_proto_ver", ident.proto_ver),
        ):
            code = getattr(self, CODED[name]).code(value)
            self._fit(name)
            getattr(self, name)[row] = code
        self._created[row] = client.created_at_ms
        self._connected[row] = client.connected_at_ms
        self._widen("_created", client.created_at_ms, client.created_at_ms)
        self._widen("_connected", client.connected_at_ms, client.connected_at_ms)
        self._disconnected[row] = NO_TIME if client.disconnected_at_ms is None else client.disconnected_at_ms
        self._expiry[row] = ident.expiry_interval
        expires = client.expires_at_ms
        self._expires[row] = NEVER if expires is None else expires
        if expires is not None:
            self._deadlines.push(np.array([expires], np.int64), np.array([row], np.int64))
        self._reschedule(np.array([row], dtype=np.int64))

    def churned(self, rows: Rows) -> Churned:
        """These rows' state codes, times and session expiry intervals, to be churned (`settle` writes them back)."""
        return Churned(
            self._state[rows],
            self._connected[rows],
            self._disconnected[rows],
            self._expires[rows],
            self._expiry[rows],
        )

    def settle(self, rows: Rows, churned: Churned, gone: Mask, due: Minutes) -> None:
        """Write back what churn made of these rows: those `gone` are removed, the others take their new state and
        times (a disconnected one's session deadline is kept) and are next due at `due`."""
        self._forget_all(rows[gone & (self._state[rows] != GONE)])
        for code in (STATE_CODES[ConnState.CONNECTED], STATE_CODES[ConnState.DISCONNECTED]):
            which = ~gone & (churned.state == code)
            moved = rows[which]
            if moved.size:
                expires = churned.expires[which]
                self._move(moved, code, churned.connected[which], churned.disconnected[which], expires)
                self._deadlines.push(expires, moved)
                if self._timetable is not None:
                    self._timetable[1].put(moved, due[which])

    def sessions_ending(self, at_ms: int) -> Rows:
        """The rows whose session ends at or before `at_ms`, taken from the deadlines but not removed (each once)."""
        if not self._deadlines.due(at_ms):
            return NO_ROWS
        deadlines, rows = self._deadlines.pop(at_ms)
        live = (self._state[rows] != GONE) & (self._expires[rows] == deadlines)
        ending: Rows = np.unique(rows[live])
        return ending

    def row_of(self, clientid: str) -> int | None:
        """The row of `clientid`, whether its client is still here or not; None if it never had one."""
        return self._row(clientid)

    def is_live(self, row: int) -> bool:
        """Whether the client of `row` is here."""
        return bool(self._state[row] != GONE)

    def timetable(self, disconnects: float, reconnects: float, seed: int) -> Timetable:
        """When each client next changes under churn with these chances per minute: the one kept, or, for other
        chances, seed or floor, a new one with every row scheduled."""
        floor = self.churn_since_ms if self.churn_since_ms is not None else 0
        key = (disconnects, reconnects, seed, floor)
        if self._timetable is None or self._timetable[0] != key:
            chances = np.zeros(GONE + 1, dtype=np.float64)
            chances[STATE_CODES[ConnState.CONNECTED]] = disconnects
            chances[STATE_CODES[ConnState.DISCONNECTED]] = reconnects
            table = Timetable(self, chances, seed, floor)
            self._timetable = key, table
            table.schedule(np.arange(self._size, dtype=np.int64))
        return self._timetable[1]

    def id_hashes(self, low: int, high: int) -> Words:
        """The hashes (`hashes_of`) of the clientids of rows `low` to `high` (exclusive)."""
        core = self._population.core if self._population is not None else None
        generated = min(high, len(core)) if core is not None else 0
        parts = [hashes_of(core.clientid[low:generated])] if core is not None and low < generated else []
        later = range(max(low, generated), high)
        if later:
            parts.append(hashes_of(fixed_width([self.clientid(row) for row in later])))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)

    def _move(self, rows: Rows, state: int, connected: Rows, disconnected: Rows, expires: Rows) -> None:
        """Give these rows a new state and times: in the columns alone, and in the clients kept as objects."""
        self.version = next(_versions)
        self._state[rows] = state
        self._connected[rows] = connected
        if connected.size:
            self._widen("_connected", int(connected.min()), int(connected.max()))
        self._disconnected[rows] = disconnected
        self._expires[rows] = expires
        self._moved[rows] = True
        for row in self._kept(rows):
            client = self._objects[row]
            self._moved[row] = False
            client.state = STATES[state]
            client.connected_at_ms = int(self._connected[row])
            gone = int(self._disconnected[row])
            client.disconnected_at_ms = None if gone == NO_TIME else gone

    def _reschedule(self, rows: Rows) -> None:
        """Under churn, work out again when these rows next change (their state or its instant changed)."""
        if self._timetable is not None:
            self._timetable[1].schedule(rows)

    def remove(self, clientid: str) -> None:
        row = self._row(clientid)
        if row is not None and self._state[row] != GONE:
            self._forget(row)

    def remove_many(self, clientids: Iterable[str]) -> None:
        """Remove these clients (any that are not here are skipped)."""
        for clientid in clientids:
            self.remove(clientid)

    def changes(self) -> tuple[list[str], list[Client]]:
        """What differs from the generated population: the generated clients that are gone, and every client
        kept as an object or moved in the columns (changed, added, or given whole), in listing order."""
        gone = [self.clientid(row) for row in np.flatnonzero(self._state[: self._generated] == GONE).tolist()]
        moved = np.flatnonzero(self._moved[: self._size] & (self._state[: self._size] != GONE)).tolist()
        kept = [*self._objects.values(), *map(self._client, moved)]
        return gone, sorted(kept, key=lambda client: client.clientid, reverse=True)

    def select(self, query: ClientQuery, page: int, limit: int, joined: Joined | None = None) -> Page:
        """The `page`-th run of `limit` clients matching `query`, in listing order, with an exact count."""
        start = (page - 1) * limit
        end = start + limit
        if query.fuzzy:  # no count: the rows are searched from the top until the page and one more are found
            rows, matched = self._order.page(self._leading(query, end + 1), start, end)
            return self.page(rows, page, limit, matched > end, None, joined)
        rows, matched = self._order.page(self._matching(query), start, end)
        return self.page(rows, page, limit, matched > end, matched, joined)

    def page(
        self, rows: Rows, page: int, limit: int, hasnext: bool, count: int | None, joined: Joined | None = None
    ) -> Page:
        """The page of these rows; their clients are not built when `joined` has them serialized already."""
        run = self.run(rows)
        known = None if joined is None else joined(run)
        return Page([] if known is not None else self.clients(rows), page, limit, hasnext, count, run, known)

    def run(self, rows: Rows) -> tuple[int, bytes]:
        """What identifies these rows' clients as they are now (`Page.run`): the version and the rows (a client
        changes only through `touch`, `add` or the columns, each of which makes a new version)."""
        return self.version, rows.tobytes()

    def scan(self, query: ClientQuery, after: str | None = None) -> tuple[Rows, Mask]:
        """EMQX 5's view of a list query: the rows matching its exact filters, in listing order (only those after
        the clientid `after`), and which of them its substring filters keep."""
        exact, fuzzy = query.split()
        rows = self._order.ascending(self._matching(exact), after)[::-1]
        keep = np.ones(rows.size, dtype=np.bool_) if fuzzy.empty else self._matching(fuzzy)[rows]
        return rows, keep

    def clients(self, rows: Rows, cached: bool = True) -> list[Client]:
        """The clients of these rows; the generated ones not built yet built together (through the cache of built
        clients, unless not `cached`)."""
        listed, objects = rows.tolist(), self._objects
        if self._built is None or self._population is None:
            return [self._client(row) for row in listed]
        kept = np.count_nonzero(self._kept_rows[rows])  # (`any` is four times as long for a page)
        generated = [row for row in listed if row not in objects] if kept else listed
        made = self._built.many(generated) if cached else self._population.materialize_rows(generated)
        if not kept and not np.count_nonzero(self._moved[rows]):
            return made
        built = dict(zip(generated, made, strict=True))
        return [self._client(row, built=built.get(row)) for row in listed]

    def clientid(self, row: int) -> str:
        return cast(str, self._ids[row])

    def count(self, query: ClientQuery) -> int:
        """How many clients match `query` (substring filters included)."""
        return self._count if query.empty else int(np.count_nonzero(self._matching(query)))

    def counts(self) -> Counts:
        """Live clients by state, node and protocol, counted over the columns (`np.bincount`; no client built)."""
        alive = np.flatnonzero(self._state[: self._size] != GONE)
        states = self._state[alive].astype(np.int64)
        by_state = np.bincount(states, minlength=len(STATES)).tolist()
        width = len(STATES)
        by_node = np.bincount(self._node[alive] * width + states, minlength=len(self._nodes.values) * width).tolist()
        # Versions are a handful of small numbers: one bincount of name and version together when they fit.
        names = self._proto_name[alive].astype(np.int64)
        versions = np.array(self._versions.values, dtype=np.int64)[self._proto_ver[alive]]
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
        alive = np.flatnonzero(self._state[: self._size] != GONE)
        picked = alive[np.linspace(0, alive.size, min(size, alive.size), endpoint=False).astype(np.int64)]
        return self.clients(picked, cached=False)

    def expire(self, now_ms: int) -> Rows:
        """Remove the disconnected clients whose session expired at or before `now_ms`; return their rows (their
        clientids are not made: at 10,000,000 clients, the 33,000 sessions ending in a minute took 20 ms more)."""
        gone_rows = self.sessions_ending(now_ms)
        self._forget_all(gone_rows)
        return gone_rows

    def _row(self, clientid: str) -> int | None:
        """The row of `clientid`, whether the client is still there or not; None if it never was."""
        row = self._order.find(clientid)
        return self._added.get(clientid) if row is None else row

    def _forget(self, row: int) -> None:
        self.version = next(_versions)
        self._objects.pop(row, None)
        self._kept_rows[row] = False
        self._state[row] = GONE
        self._moved[row] = False
        self._expires[row] = NEVER
        self._count -= 1

    def _forget_all(self, rows: Rows) -> None:
        """`_forget` of each of these rows (all live, none twice), in one pass over the columns."""
        if not rows.size:
            return
        self.version = next(_versions)
        for row in self._kept(rows):
            del self._objects[row]
        self._kept_rows[rows] = False
        self._state[rows] = GONE
        self._moved[rows] = False
        self._expires[rows] = NEVER
        self._count -= int(rows.size)

    def _kept(self, rows: Rows) -> list[int]:
        """Which of these rows have their client kept as an object."""
        kept: list[int] = rows[self._kept_rows[rows]].tolist()
        return kept

    def _client(self, row: int, built: Client | None = None) -> Client:
        """The client of `row`; a generated one built through the cache of built clients (or `built` already)."""
        client = self._objects.get(row)
        if client is not None:
            return client
        assert self._built is not None, "a row without an object is generated"
        client = self._built(row) if built is None else built
        if not self._moved[row]:
            return client
        # Built as generated (its details drawn for its first state), then given the state churn moved it to.
        disconnected = int(self._disconnected[row])
        return replace(
            client,
            subscriptions=dict(client.subscriptions),
            state=STATES[self._state[row]],
            connected_at_ms=int(self._connected[row]),
            disconnected_at_ms=None if disconnected == NO_TIME else disconnected,
        )

    def _grow(self) -> None:
        for name, (_, empty) in COLUMNS.items():
            column = getattr(self, name)
            grown = np.full(len(column) * 2, empty, dtype=column.dtype)
            grown[: len(column)] = column
            setattr(self, name, grown)

    def _matching(self, query: ClientQuery) -> Mask:
        """Which rows match every filter of `query` (rows of removed clients never do)."""
        size = self._size
        state = self._state[:size]
        if query.conn_state is None:
            mask: Mask = state != GONE
        else:  # a state asked for is never GONE: one pass
            codes = [STATE_CODES[conn_state] for conn_state in query.conn_state]
            mask = state == codes[0] if len(codes) == 1 else np.isin(state, codes)
        if query.clientid is not None:
            mask &= self._only([row for row in map(self._row, query.clientid) if row is not None])
        elif query.like_clientid is not None:
            mask &= self._ids.contains(query.like_clientid)
        if query.username is not None:
            mask &= self._only(np.concatenate([self._usernames.equal_rows(name) for name in query.username]))
        elif query.like_username is not None:
            mask &= self._usernames.contains(query.like_username)
        if query.zone is not None:
            mask &= self._equal(self._zone, self._zones, query.zone)
        if query.proto_name is not None:
            mask &= self._equal(self._proto_name, self._protocols, query.proto_name)
        if query.ip_address is not None:
            mask &= self._only(self._ips.equal_rows(query.ip_address))
        if query.like_ip_address is not None:
            mask &= self._ips.contains(query.like_ip_address)
        if query.node is not None:
            mask &= self._equal(self._node, self._nodes, query.node)
        if query.clean_start is not None:
            mask &= self._clean[:size] if query.clean_start else ~self._clean[:size]
        if query.proto_ver is not None:
            mask &= self._equal(self._proto_ver, self._versions, query.proto_ver)
        for name, low, high in (
            ("_created", query.gte_created_at, query.lte_created_at),
            ("_connected", query.gte_connected_at, query.lte_connected_at),
        ):
            if (low is None and high is None) or not size:
                continue
            column: Rows = getattr(self, name)[:size]
            # A bound at or beyond every row's value (up to now, say) keeps every row: no pass over the column.
            least, most = self._extremes[name]
            if low is not None and low > least:
                mask &= column >= low
            if high is not None and high < most:
                mask &= column <= high
        return mask

    def _only(self, rows: Rows | list[int]) -> Mask:
        """A mask of these rows alone."""
        only = np.zeros(self._size, dtype=np.bool_)
        only[rows] = True
        return only

    def _widen(self, name: str, least: int, most: int) -> None:
        extremes = self._extremes[name]
        extremes[0], extremes[1] = min(extremes[0], least), max(extremes[1], most)

    def _leading(self, query: ClientQuery, wanted: int) -> Mask:
        """The rows matching `query` among the first in listing order, as many as it takes to find `wanted` of
        them (or all), the rest left out. Its exact filters are read for every row; its substring filters, which
        read bytes, for the added rows, then for the generated ones a run at a time from the last (the first
        listed), each run twice as long as the one before (`FUZZY_ROWS` first)."""
        exact, fuzzy = query.split()
        mask = self._matching(exact)
        generated, size = self._order.generated, self._size
        texts = [
            (column, part)
            for column, part in ((self._ids, fuzzy.like_clientid), (self._usernames, fuzzy.like_username),
                                 (self._ips, fuzzy.like_ip_address))
            if part is not None
        ]  # fmt: skip
        for column, part in texts:
            mask[generated:] &= column.contains(part, generated, size)
        # An added row's place is how many generated rows sort before it: listed after the generated row `place`.
        extra, places = self._order.extra
        found, high, run = 0, generated, FUZZY_ROWS
        while high > 0 and found < wanted:
            low = max(0, high - run)
            if mask[low:high].any():
                for column, part in texts:
                    mask[low:high] &= column.contains(part, low, high)
                found += int(np.count_nonzero(mask[low:high]))
            listed = (places >= low) & (places < (high if high < generated else generated + 1))
            found += int(np.count_nonzero(mask[extra[listed]]))
            high, run = low, run * 2
        mask[:high] = False
        mask[extra[places < high]] = False
        return mask

    def _fit(self, name: str) -> None:
        """Widen the column of codes `name` to 32 bits once its table holds more values than a byte codes."""
        column = getattr(self, name)
        if column.dtype == np.int8 and len(getattr(self, CODED[name]).values) > np.iinfo(np.int8).max + 1:
            setattr(self, name, column.astype(np.int32))

    def _equal(self, column: npt.NDArray[np.int8 | np.int32], table: Codes, value: object) -> Mask:
        code = table.codes.get(value)
        if code is None:
            return np.zeros(self._size, dtype=np.bool_)
        result: Mask = column[: self._size] == code
        return result
