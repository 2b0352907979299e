"""Generated clients kept once built, the oldest built let go first: a page served again needs no new ones, and
the clients a page lacks are built together."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from simulator.domain.client import Client
from simulator.domain.paced import Pause, let_go, no_pause


class Built:
    """Up to `size` clients by row, built by `build` (rows to clients, in order) when missing. Like the registry
    it serves, it is used by one thread at a time."""

    def __init__(self, build: Callable[[list[int]], list[Client]], size: int) -> None:
        self._build = build
        self._size = size
        self._clients: OrderedDict[int, Client] = OrderedDict()

    def __call__(self, row: int) -> Client:
        return self.many([row])[0]

    def many(self, rows: list[int]) -> list[Client]:
        """The clients of `rows`, those missing built at once. Reading a client does not keep it longer (a page
        read often is built again after `size` others, which costs less than reordering on every read)."""
        clients = self._clients
        found = list(map(clients.get, rows))
        missing = [row for row, client in zip(rows, found, strict=True) if client is None]  # `is`: no __eq__ call
        if not missing:
            return found  # type: ignore[return-value]  # no None left
        missing = list(dict.fromkeys(missing))
        built = dict(zip(missing, self._build(missing), strict=True))
        clients.update(built)
        while len(clients) > self._size:
            clients.popitem(last=False)
        return [client if client is not None else built[row] for row, client in zip(rows, found, strict=True)]

    def clear(self, pause: Pause = no_pause) -> None:
        """Let go of every client kept, a few at a time (`paced`)."""
        let_go(self._clients, pause)
