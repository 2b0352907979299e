"""Freed memory handed back to the system, so a server's RSS follows what its populations hold."""

from __future__ import annotations

import ctypes
import ctypes.util

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
