"""Substring and exact search over many strings at once: their UTF-8 bytes in one fixed-width buffer (a row each,
padded with NULs), searched with vectorized comparisons anchored on the pattern's rarest pair of bytes, so a
match's row is its offset divided by the width. Built the first time it is asked, unless given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]
Bytes = npt.NDArray[np.uint8]


SAMPLE_BYTES = 4 * 1024 * 1024
"""Bytes of the buffer counted to find the rare bytes and pairs."""
CHUNK = 65_536
"""Strings converted to bytes at a time: no step holds the GIL for long, and no million temporaries are made."""


def fixed_width(values: list[str]) -> npt.NDArray[np.bytes_]:
    """The UTF-8 bytes of `values` as one fixed-width array (as wide as the longest), converted a chunk at a time."""
    if not values:
        return np.zeros(0, dtype="S1")
    try:
        parts = [np.array(values[at : at + CHUNK], dtype=np.bytes_) for at in range(0, len(values), CHUNK)]
    except UnicodeEncodeError:  # numpy encodes ASCII only
        parts = [np.array([value.encode() for value in values], dtype=np.bytes_)]
    width = max(part.dtype.itemsize for part in parts)
    joined: npt.NDArray[np.bytes_] = np.concatenate([part.astype(f"S{width}") for part in parts])
    return joined


class Search:
    """Which of a fixed list of strings contain, or equal, a given string."""

    def __init__(self, values: list[str], encoded: npt.NDArray[np.bytes_] | None = None) -> None:
        """`encoded`: `fixed_width(values)`, when it is at hand."""
        self._values = values
        self.size = len(values)
        self._encoded = encoded
        self._buffer: Bytes | None = None
        self._width = 0
        self._bytes: npt.NDArray[np.int64] = np.zeros(256, dtype=np.int64)
        self._pairs: npt.NDArray[np.int64] = np.zeros(65_536, dtype=np.int64)

    def contains(self, part: str) -> Mask:
        """Which values contain `part`."""
        if not part:
            return np.ones(self.size, dtype=np.bool_)
        pattern = part.encode()
        found = np.zeros(self.size, dtype=np.bool_)
        buffer = self._build()
        if len(pattern) > self._width:
            return found
        if b"\0" in pattern:
            return self._slowly(lambda value: part in value)
        starts = self._offsets(buffer, pattern)
        # A match that runs past the end of its row spans two values (the first as wide as the widest).
        starts = starts[starts % self._width + len(pattern) <= self._width]
        found[starts // self._width] = True
        return found

    def equals(self, value: str) -> Mask:
        """Which values are `value`."""
        if "\0" in value:
            return self._slowly(lambda other: other == value)
        pattern = value.encode()
        buffer = self._build()
        if len(pattern) > self._width:
            return np.zeros(self.size, dtype=np.bool_)
        rows = buffer.reshape(self.size, self._width)
        wanted = np.zeros(self._width, dtype=np.uint8)
        wanted[: len(pattern)] = np.frombuffer(pattern, dtype=np.uint8)
        first = rows[:, 0] == wanted[0]
        candidates = np.flatnonzero(first)
        candidates = candidates[(rows[candidates] == wanted).all(axis=1)]
        found = np.zeros(self.size, dtype=np.bool_)
        found[candidates] = True
        return found

    def _offsets(self, buffer: Bytes, pattern: bytes) -> npt.NDArray[np.int64]:
        """Where `pattern` (no NUL) starts in the buffer; a match never spans two rows, since every row ends in a
        NUL. Candidates come from the pattern's rarest pair of bytes (two passes over the buffer, one per alignment),
        or from its rarest byte when that leaves few more (one pass): listing candidates costs more than a pass."""
        needle = np.frombuffer(pattern, dtype=np.uint8)
        anchor = int(np.argmin(self._bytes[needle]))
        checked = {anchor}
        starts = None
        if needle.size > 1:
            pairs = needle[:-1].astype(np.int64) | (needle[1:].astype(np.int64) << 8)
            pair = int(np.argmin(self._pairs[pairs]))
            if self._bytes[needle[anchor]] > 4 * self._pairs[pairs[pair]]:
                wanted = np.uint16(pairs[pair])
                even = np.flatnonzero(buffer[: buffer.size // 2 * 2].view(np.uint16) == wanted) * 2
                odd = np.flatnonzero(buffer[1 : 1 + (buffer.size - 1) // 2 * 2].view(np.uint16) == wanted) * 2 + 1
                starts = np.concatenate([even, odd]) - pair
                checked = {pair, pair + 1}
        if starts is None:
            starts = np.flatnonzero(buffer == needle[anchor]) - anchor
        starts = starts[(starts >= 0) & (starts <= buffer.size - needle.size)]
        for offset in range(needle.size):
            if starts.size and offset not in checked:
                starts = starts[buffer[starts + offset] == needle[offset]]
        return starts

    def _slowly(self, test: Callable[[str], bool]) -> Mask:
        return np.fromiter((test(value) for value in self._values[: self.size]), dtype=np.bool_, count=self.size)

    def _build(self) -> Bytes:
        if self._buffer is None:
            fixed = fixed_width(self._values) if self._encoded is None else self._encoded
            self._encoded = None
            self._width = fixed.dtype.itemsize
            buffer = fixed.view(np.uint8).reshape(-1)
            # Which bytes and pairs are rare, from the first few MiB: enough to pick an anchor.
            sample = buffer[:SAMPLE_BYTES]
            self._bytes = np.bincount(sample, minlength=256).astype(np.int64)
            self._pairs = np.zeros(65_536, dtype=np.int64)
            for start in (0, 1):
                pairs = sample[start : start + (sample.size - start) // 2 * 2].view(np.uint16)
                self._pairs += np.bincount(pairs, minlength=65_536)
            self._buffer = buffer
        return self._buffer


class Texts:
    """Strings that only grow at the end (clientids, IP addresses, user names; None reads as ""): those there when
    the search was built are searched as bytes, later ones one by one, and the search is built again once more
    have come than it covers."""

    def __init__(self, values: list[Any], encoded: npt.NDArray[np.bytes_] | None = None) -> None:
        self._values = values
        self._search = None if encoded is None else Search(values, encoded)

    def contains(self, part: str) -> Mask:
        return self._searched(lambda value: part in (value or ""), lambda search: search.contains(part))

    def equals(self, value: str) -> Mask:
        return self._searched(lambda other: other == value, lambda search: search.equals(value))

    def _searched(self, test: Callable[[Any], bool], search_with: Callable[[Search], Mask]) -> Mask:
        values, search = self._values, self._search
        if search is None or len(values) > 2 * search.size:
            search = self._search = Search([value or "" for value in values])
        result = np.zeros(len(values), dtype=np.bool_)
        result[: search.size] = search_with(search)
        result[search.size :] = [test(value) for value in values[search.size :]]
        return result
