"""SQLite's write-ahead log file, read for what its checksums refused: the bytes a crash mid-write left."""

from __future__ import annotations

import struct
from pathlib import Path

HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
SALTS = slice(16, 24)
"""Where the log's header keeps its salts; a frame keeps them at 8..16 of its own header."""


def torn_bytes(path: Path, frames: int) -> int:
    """How many bytes of the log at `path` lie past its `frames` whole frames (what SQLite read back, its checksums
    checked) that a write torn by a crash left: a frame cut short, or a frame of the log's present generation (its
    salts) that failed its checksum or belongs to a transaction that never committed. 0 when there are none; frames
    of an earlier generation, left when the log restarted from its beginning, are not torn."""
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_BYTES)
            if len(header) < HEADER_BYTES:
                return len(header)
            page_size: int = struct.unpack(">I", header[8:12])[0]
            frame_bytes = FRAME_HEADER_BYTES + page_size
            whole = HEADER_BYTES + frames * frame_bytes
            size = file.seek(0, 2)
            if size <= whole:
                return 0
            file.seek(whole)
            following = file.read(FRAME_HEADER_BYTES)
    except FileNotFoundError:
        return 0
    if (size - HEADER_BYTES) % frame_bytes or following[8:16] == header[SALTS]:
        return size - whole
    return 0
