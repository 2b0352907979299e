"""How a serving process manages memory: freed memory handed back to the system once a population is built, so
its RSS follows what its populations hold, requests' temporary arrays reused rather than mapped afresh, and the
garbage collector kept off the requests' path."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

COLLECT_AFTER = (100_000, 50, 1_000)
"""Allocations before a young collection, and young collections before each older one (CPython's defaults are
700, 10, 10): a page of 100 new clients makes thousands of objects, and with 16,384 built clients kept, the
default thresholds ran a full collection every few pages (p99 of such a page 13.6 ms, 5.9 ms with these)."""
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameters: free memory at the heap's top kept before it is given back, and the size from
which a block gets a mapping of its own."""
MAPPED = 4 * 1024 * 1024
"""Blocks this large or larger get a mapping of their own, given back as soon as they are freed (a column of a
million 64-bit numbers, a text column's bytes compared), unless a mask of every row is larger; smaller ones (a
mask of a million rows) come from the heap."""
MOST_MAPPED = 32 * 1024 * 1024
"""glibc's largest threshold."""


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name)
    except (OSError, TypeError):
        return None


def _call(function: str, *arguments: int) -> None:
    """Call the C library's `function`, if it has one (glibc's `mallopt` and `malloc_trim` are glibc's alone)."""
    found = getattr(_libc(), function, None)
    if found is not None:
        found(*arguments)


def reuse_request_blocks(rows: int = 0) -> None:
    """Serve the arrays a request makes and drops (a mask over `rows` rows, `rows` bytes) from the heap, where
    the next request finds them again, rather than from a mapping of their own: a fresh mapping is paid in page
    faults each time (a filter over a million rows took 1.05 ms instead of 0.19). glibc starts with mappings
    from 128 KiB and raises that threshold only as such blocks are freed; this fixes it at 4 MiB, or above a
    mask of every row (up to 32 MiB), and lets the heap's top keep twice that before trimming. What the heap
    keeps after a build is handed back by `trim`. Nothing happens where the C library has no `mallopt` (other
    than glibc)."""
    threshold = min(MOST_MAPPED, max(MAPPED, rows + 1024 * 1024))
    _call("mallopt", M_MMAP_THRESHOLD, threshold)
    _call("mallopt", M_TRIM_THRESHOLD, 2 * threshold)


def trim() -> None:
    """Hand the heap's free pages back to the system (after a population is built: its temporaries, 130 MiB
    for a million clients, are free but still mapped). Releases the GIL while it runs."""
    _call("malloc_trim", 0)


def settle_collector() -> None:
    """Once the population is built: keep every object made so far out of the collector's passes (about 60 ms
    each with a million clients' worth), and collect young objects less often (`COLLECT_AFTER`). The simulator
    makes few reference cycles; reference counting frees nearly everything it drops."""
    gc.freeze()
    gc.set_threshold(*COLLECT_AFTER)
