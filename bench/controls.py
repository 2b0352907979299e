"""Measurements through the control API at scale: reads while a population is regenerated, churn's CPU per
simulated minute, and a day's jump of the clock with churn on."""

from __future__ import annotations

import gc
import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MINUTES = 20
"""Simulated minutes advanced one at a time for churn's CPU figure."""


@dataclass
class Controls:
    regenerate_s: float
    """Wall time of `POST /_sim/regenerate` (with churn on) at the same size."""
    read_block_ms: float
    """The longest a read of one client took while that regenerate ran (client side, new connection each)."""
    read_block_at_s: float
    """When that read started, in seconds from the start of the regenerate."""
    reads: int
    churn_cpu_ms: float
    """CPU time of the server per simulated minute of churn (`POST /_sim/clock/advance` of 60 s)."""
    day_jump_s: float
    """Wall time of `POST /_sim/clock/advance` of a day, churn on."""


def _call(base: str, auth: str, path: str, method: str = "GET", body: object = None, timeout: float = 600) -> bytes:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", method=method, data=data, headers={"Authorization": auth})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: bytes = response.read()
        return answer


def cpu_ms(pid: int) -> float:
    """User and system CPU time of a process so far, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / 100  # utime, stime in clock ticks of 1/100 s


def measure(base: str, auth: str, pid: int) -> Controls:
    """Regenerate (churn on) while a thread reads one client in a loop, then freeze the clock and move it."""
    stop = threading.Event()
    spans: list[tuple[float, float]] = []

    def read() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            _call(base, auth, "/clients/client_1", timeout=60)
            spans.append((started, time.perf_counter()))

    # The bench holds tens of thousands of clients' JSON by now: a full collection of its own objects stopped the
    # reading thread for over 100 ms, counted as a slow read of the server. Kept out of the collector meanwhile.
    gc.freeze()
    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)
    started = time.perf_counter()
    _call(base, auth, "/_sim/regenerate", "POST", {"churn": True})
    ended = time.perf_counter()
    regenerate_s = ended - started
    time.sleep(0.2)
    stop.set()
    reader.join()
    gc.unfreeze()
    during = [((end - begin) * 1000, begin - started) for begin, end in spans if end >= started and begin <= ended]
    longest, at = max(during, default=(float("nan"), float("nan")))
    _call(base, auth, "/_sim/clock", "PUT", {"frozen": True})
    before = cpu_ms(pid)
    for _ in range(MINUTES):
        _call(base, auth, "/_sim/clock/advance", "POST", {"seconds": 60})
    churn = (cpu_ms(pid) - before) / MINUTES
    jump = time.perf_counter()
    _call(base, auth, "/_sim/clock/advance", "POST", {"seconds": 86_400})
    day_jump_s = time.perf_counter() - jump
    return Controls(regenerate_s, longest, at, len(during), churn, day_jump_s)
