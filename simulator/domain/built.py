"""Generated clients kept once built, most recently used first: a page served again needs no new ones, and the
clients a page lacks are built together."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from simulator.domain.client import Client


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
        """The clients of `rows`, those missing built at once."""
        clients = self._clients
        found: dict[int, Client] = {}
        for row in rows:
            client = clients.get(row)
            if client is not None:
                clients.move_to_end(row)
                found[row] = client
        missing = [row for row in dict.fromkeys(rows) if row not in found]
        if missing:
            found.update(zip(missing, self._build(missing), strict=True))
            clients.update((row, found[row]) for row in missing)
            while len(clients) > self._size:
                clients.popitem(last=False)
        return [found[row] for row in rows]

    def clear(self) -> None:
        self._clients.clear()
