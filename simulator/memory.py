"""How a serving process manages memory: freed memory handed back to the system, so its RSS follows what its
populations hold, and the garbage collector kept off the requests' path."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

COLLECT_AFTER = (100_000, 50, 1_000)
"""Allocations before a young collection, and young collections before each older one (CPython's defaults are
700, 10, 10): a page of 100 new clients makes thousands of objects, and with 16,384 built clients kept, the
default thresholds ran a full collection every few pages (p99 of such a page 13.6 ms, 5.9 ms with these)."""
M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameter: blocks at least this large get a mapping of their own."""
MAPPED = 256 * 1024


def hand_back_large_blocks() -> None:
    """Give every block of 256 KiB or more (a column, a search buffer) a mapping of its own, unmapped when freed.

    glibc starts so, but raises the threshold (up to 32 MiB) each time such a block is freed, and blocks below it
    then come from the heap, which keeps what is freed: building a million clients left 130 MiB behind, and a
    regenerate more. Nothing happens where the C library has no `mallopt` (other than glibc)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_MMAP_THRESHOLD, MAPPED)
    except (OSError, AttributeError, TypeError):
        pass


def settle_collector() -> None:
    """Once the population is built: keep every object made so far out of the collector's passes (about 60 ms
    each with a million clients' worth), and collect young objects less often (`COLLECT_AFTER`). The simulator
    makes few reference cycles; reference counting frees nearly everything it drops."""
    gc.freeze()
    gc.set_threshold(*COLLECT_AFTER)
