"""The byte cache: serialized clients and list pages, kept for the second they are valid in."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import orjson

from simulator import views
from simulator.domain.client import Client, ConnState
from simulator.domain.query import Page
from simulator.service import Revision

CacheKey = tuple[str, ConnState, int, int | None, int, int]
MAX_CLIENT_BYTES = 8 * 1024 * 1024
"""Bytes of clients kept per second of the clock, at most (a page is joined from them)."""
MAX_PAGE_BYTES = 2 * 1024 * 1024
"""Bytes of whole list pages kept per second, at most: a page asked again within the second costs a lookup,
and a dashboard's mix of many pages does not hold more memory than that for it."""


Check = Callable[[dict[str, Any]], None]
"""A check of a view against the contract (raises `jsonschema.ValidationError`)."""


class ByteCache:
    """JSON bytes of clients and pages. A client's bytes depend on its state and subscription count and on
    the clock's whole second (counters move once a second), so they are cached under those; a list page
    depends on the query, the state's version and the second, so it is cached under those, and the clients of a
    page (joined) under the page's `run`. Every cache is dropped when the second changes."""

    def __init__(
        self,
        check_client: Check | None = None,
        check_meta: Check | None = None,
        view: Callable[[Client, int], dict[str, Any]] | None = None,
    ) -> None:
        self.view = view or views.client_view
        """A client as the served API shows it."""
        self.check_client = check_client
        """Told every client view before it is first serialized (the contract's response check)."""
        self.check_meta = check_meta
        """Told every page's `meta` before it is serialized."""
        self._second: int | None = None
        self._cache: dict[CacheKey, bytes] = {}
        self._pages: dict[tuple[int, Hashable], bytes] = {}
        self._runs: dict[Hashable, bytes] = {}
        self._sizes = [0, 0, 0]
        self._lock = threading.Lock()

    def _roll(self, second: int) -> None:
        if second != self._second:
            self._second, self._cache, self._pages, self._runs, self._sizes = second, {}, {}, {}, [0, 0, 0]

    def listing(self, key: Hashable, current: Revision, compute: Callable[[], tuple[Page, Revision]]) -> bytes:
        """The bytes of the list page `compute` makes, served again while the version and second stay."""
        with self._lock:
            self._roll(current.now_ms // 1000)
            cached = self._pages.get((current.version, key))
        if cached is not None:
            return cached
        page, snapshot = compute()
        body = self.page(page, snapshot.now_ms)
        with self._lock:
            if snapshot.now_ms // 1000 == self._second and self._sizes[1] < MAX_PAGE_BYTES:
                self._pages[(snapshot.version, key)] = body
                self._sizes[1] += len(body)
        return body

    def client(self, client: Client, now_ms: int) -> bytes:
        return self.clients([client], now_ms)[0]

    def clients(self, clients: list[Client], now_ms: int) -> list[bytes]:
        """The bytes of each client at `now_ms`: those cached this second looked up under one lock, the rest
        serialized (and kept while the second's budget lasts)."""
        second = now_ms // 1000
        keys = [_key(client) for client in clients]
        with self._lock:
            self._roll(second)
            found = list(map(self._cache.get, keys))
        missing = [index for index, cached in enumerate(found) if cached is None]
        if not missing:
            return found  # type: ignore[return-value]  # no None left
        made: list[tuple[CacheKey, bytes]] = []
        for index in missing:
            view = self.view(clients[index], now_ms)
            if self.check_client is not None:
                self.check_client(view)
            found[index] = body = orjson.dumps(view)
            made.append((keys[index], body))
        with self._lock:
            if second == self._second:
                for key, body in made:
                    if self._sizes[0] >= MAX_CLIENT_BYTES:
                        break
                    self._cache[key] = body
                    self._sizes[0] += len(body)
        return found  # type: ignore[return-value]  # every None was filled

    def page(self, page: Page, now_ms: int) -> bytes:
        meta_view = views.page_meta(page)
        if self.check_meta is not None:
            self.check_meta(meta_view)
        meta = orjson.dumps(meta_view)
        return b"".join((b'{"meta":', meta, b',"data":[', self._run(page, now_ms), b"]}"))  # (one copy of the data)

    def joined(self, now_ms: int, run: Hashable) -> bytes | None:
        """The clients of the page `run` names, serialized at `now_ms` and joined, if a page of that run was within
        its second (the simulation then does not build them: `Page.joined`)."""
        with self._lock:
            self._roll(now_ms // 1000)
            return self._runs.get(run)

    def _run(self, page: Page, now_ms: int) -> bytes:
        """The page's clients joined, kept under `page.run` within the second: the same clients listed again (another
        filter value or page size) cost one lookup."""
        if page.joined is not None:
            return page.joined
        second = now_ms // 1000
        key = page.run
        if key is not None:
            with self._lock:
                self._roll(second)
                joined = self._runs.get(key)
            if joined is not None:
                return joined
        joined = b",".join(self.clients(page.clients, now_ms))
        if key is not None:
            with self._lock:
                if second == self._second and self._sizes[2] < MAX_PAGE_BYTES:
                    self._runs[key] = joined
                    self._sizes[2] += len(joined)
        return joined


def _key(client: Client) -> CacheKey:
    """What a client's bytes within one second depend on (the rest of it is fixed for its life)."""
    identity = client.identity
    return (identity.clientid, client.state, client.connected_at_ms, client.disconnected_at_ms,
            len(client.subscriptions), identity.keepalive)  # fmt: skip
