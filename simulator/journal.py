"""The request journal: the last N requests to the emulated API, in a bounded ring."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass(frozen=True, slots=True)
class Entry:
    """One request as the simulator saw it and answered it."""

    time_ms: int
    method: str
    path: str
    query_string: str
    operation_id: str | None
    status: int
    latency_ms: float
    error: str | None = None
    seen_at_ms: int | None = None
    """When reads see the change the request made (a kick, a subscription change), None for any other."""

    @property
    def query(self) -> dict[str, list[str]]:
        """The query's parameters and their values (parsed when read, not on the request's path)."""
        return parse_qs(self.query_string, keep_blank_values=True)


@dataclass
class Journal:
    """Keeps the last `capacity` entries, oldest first."""

    capacity: int = 1000
    _entries: deque[Entry] = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    recorded: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._entries = deque(maxlen=self.capacity)

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)
            self.recorded += 1

    def entries(
        self, operation_id: str | None = None, status: int | None = None, limit: int | None = None
    ) -> list[Entry]:
        """Matching entries, newest first."""
        with self._lock:
            found = [
                entry
                for entry in reversed(self._entries)
                if (operation_id is None or entry.operation_id == operation_id)
                and (status is None or entry.status == status)
            ]
        return found if limit is None else found[:limit]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
