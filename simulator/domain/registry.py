"""The live clients of the deployment, by clientid, in EMQX's listing order, with session expiry."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator

from simulator.domain.client import Client


class Registry:
    """Clients by clientid; iterates in clientid-descending byte order; drops sessions that expired."""

    def __init__(self, clients: Iterable[Client] = ()) -> None:
        self._by_id: dict[str, Client] = {}
        self._ascending: list[str] = []
        self._expiry: list[tuple[int, str]] = []
        for client in clients:
            self._by_id[client.clientid] = client
            self._schedule(client)
        self._ascending = sorted(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, clientid: str) -> Client | None:
        return self._by_id.get(clientid)

    def add(self, client: Client) -> None:
        if client.clientid not in self._by_id:
            bisect.insort(self._ascending, client.clientid)
        self._by_id[client.clientid] = client
        self._schedule(client)

    def remove(self, clientid: str) -> None:
        if self._by_id.pop(clientid, None) is not None:
            del self._ascending[bisect.bisect_left(self._ascending, clientid)]

    def descending(self) -> Iterator[Client]:
        by_id = self._by_id
        return (by_id[clientid] for clientid in reversed(self._ascending))

    def window(self, start: int, end: int) -> list[Client]:
        """Clients `start` to `end` (exclusive) of the descending order, without walking the others."""
        ascending, size = self._ascending, len(self._ascending)
        low, high = max(0, size - end), max(0, size - start)
        return [self._by_id[clientid] for clientid in reversed(ascending[low:high])]

    def expire(self, now_ms: int) -> list[str]:
        """Remove the disconnected clients whose session expired at or before `now_ms`; return their ids."""
        gone: list[str] = []
        while self._expiry and self._expiry[0][0] <= now_ms:
            deadline, clientid = heapq.heappop(self._expiry)
            client = self._by_id.get(clientid)
            if client is not None and client.expires_at_ms == deadline:
                self.remove(clientid)
                gone.append(clientid)
        return gone

    def _schedule(self, client: Client) -> None:
        if client.expires_at_ms is not None:
            heapq.heappush(self._expiry, (client.expires_at_ms, client.clientid))
