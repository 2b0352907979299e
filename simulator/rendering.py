"""Serialized clients, kept for the second they are valid in: a page is joined from cached fragments."""

from __future__ import annotations

import threading

import orjson

from simulator import views
from simulator.domain.client import Client
from simulator.domain.query import Page

CacheKey = tuple[str, str, int, int | None, int]


class Renderer:
    """JSON bytes of clients and pages. A client's bytes depend on its state and subscription count and on
    the clock's whole second (counters move once a second), so they are cached under those and the cache is
    dropped when the second changes."""

    def __init__(self) -> None:
        self._second: int | None = None
        self._cache: dict[CacheKey, bytes] = {}
        self._lock = threading.Lock()

    def client(self, client: Client, now_ms: int) -> bytes:
        second = now_ms // 1000
        key = (client.clientid, client.state.value, client.connected_at_ms, client.disconnected_at_ms,
               len(client.subscriptions))  # fmt: skip
        with self._lock:
            if second != self._second:
                self._second, self._cache = second, {}
            cached = self._cache.get(key)
        if cached is None:
            cached = orjson.dumps(views.client_view(client, now_ms))
            with self._lock:
                if second == self._second:
                    self._cache[key] = cached
        return cached

    def page(self, page: Page, now_ms: int) -> bytes:
        meta = orjson.dumps(views.page_meta(page))
        data = b",".join(self.client(client, now_ms) for client in page.clients)
        return b'{"meta":' + meta + b',"data":[' + data + b"]}"
