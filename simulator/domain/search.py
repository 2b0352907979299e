"""Substring and exact search over many strings at once: their UTF-8 bytes in one fixed-width buffer (a row each,
padded with NULs), searched with vectorized comparisons anchored on the pattern's rarest pair of bytes, so a
match's row is its offset divided by the width. Built the first time it is asked, unless given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from simulator.domain.paced import Pause, let_go, no_pause

Mask = npt.NDArray[np.bool_]
Bytes = npt.NDArray[np.uint8]
Rows = npt.NDArray[np.int64]
NO_ROWS: Rows = np.zeros(0, dtype=np.int64)


SAMPLE_BYTES = 4 * 1024 * 1024
"""Bytes of the buffer counted to find the rare bytes and pairs."""
CHUNK = 65_536
"""Strings converted to bytes (and rows hashed) at a time: no step holds the GIL for long, and no million
temporaries are made."""
TAIL = 1024
"""Added values searched one by one, at most; past it, those there are searched as bytes."""
HASH_FACTOR = np.uint64(0x9E3779B97F4A7C15)


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


def row_hashes(rows: Bytes) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row of bytes, the same at any width: words of eight NULs (the padding) are skipped."""
    width = rows.shape[1]
    padded = rows
    if width % 8:
        padded = np.zeros((rows.shape[0], width + 8 - width % 8), dtype=np.uint8)
        padded[:, :width] = rows
    words = padded.view(np.uint64)
    hashes = np.full(rows.shape[0], 0xCBF29CE484222325, dtype=np.uint64)
    for column in range(words.shape[1]):
        word = words[:, column]
        mixed = (hashes ^ word) * HASH_FACTOR
        hashes = np.where(word != 0, mixed ^ (mixed >> np.uint64(29)), hashes)
    return hashes


def hashes_of(values: npt.NDArray[np.bytes_]) -> npt.NDArray[np.uint64]:
    """`row_hashes` of fixed-width strings, a chunk at a time."""
    rows = values.view(np.uint8).reshape(len(values), values.dtype.itemsize)
    parts = [row_hashes(rows[at : at + CHUNK]) for at in range(0, len(values), CHUNK)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


class Search:
    """Which of a fixed list of strings contain, or equal, a given string."""

    def __init__(self, encoded: npt.NDArray[np.bytes_], values: Sequence[str] | None = None) -> None:
        """`encoded`: the strings as `fixed_width` makes them; `values`: the strings themselves, when at hand (they
        are decoded from the bytes otherwise, for the rare pattern with a NUL)."""
        self._values = values
        self.size = len(encoded)
        self._encoded: npt.NDArray[np.bytes_] | None = encoded
        self._buffer: Bytes | None = None
        self._holds_nul: bool | None = None
        """Whether a value holds a NUL (found the first time a pattern with one is searched for)."""
        self._hashes: tuple[npt.NDArray[np.uint32], Rows] | None = None
        """The low 32 bits of each row's hash (a false candidate in 4 billion), sorted, and the row of each: a value's
        rows are found by bisection (made the first time a value is looked for)."""
        self._width = 0
        self._bytes: npt.NDArray[np.int64] = np.zeros(256, dtype=np.int64)
        self._pairs: npt.NDArray[np.int64] = np.zeros(65_536, dtype=np.int64)

    def contains(self, part: str, low: int = 0, high: int | None = None) -> Mask:
        """Which values contain `part`, of those from `low` to `high` (exclusive; all of them by default)."""
        high = self.size if high is None else high
        found = np.zeros(high - low, dtype=np.bool_)
        if not part:
            return ~found
        pattern = part.encode()
        buffer = self._build()
        if len(pattern) > self._width:
            return found
        if b"\0" in pattern:
            return self._slowly(lambda value: part in value)[low:high]
        starts = self._offsets(buffer[low * self._width : high * self._width], pattern)
        # A match that runs past the end of its row spans two values (the first as wide as the widest).
        starts = starts[starts % self._width + len(pattern) <= self._width]
        found[starts // self._width] = True
        return found

    def equals(self, value: str) -> Mask:
        """Which values are `value`."""
        found = np.zeros(self.size, dtype=np.bool_)
        found[self.equal_rows(value)] = True
        return found

    def equal_rows(self, value: str) -> Rows:
        """The rows whose value is `value`, ascending: those with its hash, then their bytes compared."""
        if "\0" in value:
            return np.flatnonzero(self._slowly(lambda other: other == value))
        pattern = value.encode()
        buffer = self._build()
        if len(pattern) > self._width:
            return NO_ROWS
        wanted = np.zeros((1, self._width), dtype=np.uint8)
        wanted[0, : len(pattern)] = np.frombuffer(pattern, dtype=np.uint8)
        if self._hashes is None:
            hashes = hashes_of(buffer.view(f"S{self._width}")).astype(np.uint32)
            order = np.argsort(hashes, kind="stable")
            self._hashes = hashes[order], order.astype(np.int32 if self.size < 2**31 else np.int64)
        hashes, order = self._hashes
        key = np.uint32(row_hashes(wanted)[0] & np.uint64(0xFFFFFFFF))
        candidates = np.sort(order[np.searchsorted(hashes, key) : np.searchsorted(hashes, key, side="right")])
        found: Rows = candidates[(buffer.reshape(self.size, self._width)[candidates] == wanted).all(axis=1)]
        return found.astype(np.int64)

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
        """`test` (of a pattern with a NUL) on every value, one by one. Without the values at hand, the bytes are
        read first: when no value holds a NUL (a NUL before a byte that is not one), none matches such a pattern,
        and nothing is decoded (a million values take a few hundred ms to)."""
        values = self._values
        if values is None:
            buffer = self._build()
            if self._holds_nul is None:
                rows = buffer.reshape(self.size, self._width)
                self._holds_nul = self._width > 1 and bool(((rows[:, :-1] == 0) & (rows[:, 1:] != 0)).any())
            if not self._holds_nul:
                return np.zeros(self.size, dtype=np.bool_)
            values = [value.decode() for value in buffer.view(f"S{self._width}").tolist()]
        return np.fromiter((test(value) for value in values[: self.size]), dtype=np.bool_, count=self.size)

    def _build(self) -> Bytes:
        if self._buffer is None:
            assert self._encoded is not None, "the bytes are kept until the buffer is built"
            fixed, self._encoded = self._encoded, None
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


class TextColumn(Sequence[str | None]):
    """A string (or None) per row: the generated rows' as fixed-width bytes, searched as such; rows given another
    value since, and rows added after the generated ones, as Python strings (the added ones searched as bytes too
    once there are many).

    `read` gives a generated row's value; `encode` gives the generated values as fixed-width bytes, in parts of
    `(rows, bytes)` (`rows` None: all of them, in order), asked for the first time a search needs them; `missing`
    marks the generated rows whose value is None (they read as "" to a substring search, and equal nothing)."""

    def __init__(
        self,
        size: int,
        read: Callable[[int], str | None],
        encode: Callable[[], list[tuple[Rows | None, npt.NDArray[np.bytes_]]]],
        missing: Mask | None = None,
    ) -> None:
        self._size = size
        self._read = read
        self._encode = encode
        self._missing = missing
        self._parts: list[tuple[Rows | None, Search]] | None = None
        self._changed: dict[int, str | None] = {}
        self._added: list[str | None] = []
        self._tail: Search | None = None
        """A search over the first added values (as many as it covers), built once there are many."""

    @classmethod
    def empty(cls) -> TextColumn:
        return cls(0, lambda row: None, list)

    def __len__(self) -> int:
        return self._size + len(self._added)

    @overload
    def __getitem__(self, row: int) -> str | None: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[str | None]: ...
    def __getitem__(self, row: int | slice) -> str | Sequence[str | None] | None:
        if isinstance(row, slice):
            return [self[index] for index in range(len(self))[row]]
        if row >= self._size:
            return self._added[row - self._size]
        if row in self._changed:
            return self._changed[row]
        return self._read(row)

    def append(self, value: str | None) -> None:
        self._added.append(value)

    def set(self, row: int, value: str | None) -> None:
        """Give `row` a value (a generated row given its generated value again reads it as generated)."""
        if row >= self._size:
            self._added[row - self._size] = value
            if self._tail is not None and row - self._size < self._tail.size:
                self._tail = None
        elif value == self._read(row):
            self._changed.pop(row, None)
        else:
            self._changed[row] = value

    def release(self, pause: Pause = no_pause) -> None:
        """Let go of the strings held, a few at a time (`paced`)."""
        self._parts, self._tail = None, None
        let_go(self._changed, pause)
        let_go(self._added, pause)

    def contains(self, part: str, low: int = 0, high: int | None = None) -> Mask:
        """Which rows' values contain `part` (None reads as ""), of the rows from `low` to `high` (exclusive; all
        of them by default): a list's first page reads only as many rows as it needs."""
        return self._searched(
            lambda value: part in (value or ""), lambda search, lo, hi: search.contains(part, lo, hi), low, high
        )

    def equals(self, value: str) -> Mask:
        """Which rows' values are `value`."""
        found = np.zeros(len(self), dtype=np.bool_)
        found[self.equal_rows(value)] = True
        return found

    def equal_rows(self, value: str) -> Rows:
        """The rows whose value is `value`, ascending (a generated row's found by its hash, not by a pass)."""
        parts = [hits if rows is None else rows[hits] for rows, hits in
                 ((rows, search.equal_rows(value)) for rows, search in self._searches())]  # fmt: skip
        found = np.concatenate(parts) if parts else NO_ROWS
        if self._missing is not None:
            found = found[~self._missing[found]]
        if self._changed:
            found = found[~np.isin(found, np.fromiter(self._changed, np.int64, len(self._changed)))]
            changed = [row for row, other in self._changed.items() if other == value]
            found = np.concatenate([found, np.array(changed, dtype=np.int64)])
        added = self._added_searched(lambda other: other == value, lambda search, _, __: search.equals(value), True)
        return np.unique(np.concatenate([found, np.flatnonzero(added) + self._size]))

    def _searches(self) -> list[tuple[Rows | None, Search]]:
        """The generated rows' searches (made the first time one is needed), each with its rows (None: all)."""
        if self._parts is None:
            self._parts = [(rows, Search(encoded)) for rows, encoded in self._encode()] if self._size else []
        return self._parts

    def _searched(
        self,
        test: Callable[[str | None], bool],
        search_with: Callable[[Search, int, int | None], Mask],
        low: int = 0,
        high: int | None = None,
    ) -> Mask:
        high = len(self) if high is None else high
        result = np.zeros(high - low, dtype=np.bool_)
        size = self._size
        first, last = min(low, size), min(high, size)  # the generated rows asked for
        for rows, search in self._searches():
            if first == last:
                break
            if rows is None:
                result[first - low : last - low] = search_with(search, first, last)
            else:  # a part of the rows (the addresses of one family): searched whole
                inside = (rows >= first) & (rows < last)
                result[rows[inside] - low] = search_with(search, 0, None)[inside]
        for row, value in self._changed.items():
            if low <= row < high:
                result[row - low] = test(value)
        if high > size:
            start = max(low, size)
            result[start - low :] = self._added_searched(test, search_with, False)[start - size : high - size]
        return result

    def _added_searched(
        self, test: Callable[[str | None], bool], search_with: Callable[[Search, int, int | None], Mask], exact: bool
    ) -> Mask:
        """The test over the added rows: the first many as bytes, once there are many, the rest one by one."""
        added = self._added
        result = np.zeros(len(added), dtype=np.bool_)
        if self._tail is None and len(added) > TAIL:
            texts = [value or "" for value in added]
            self._tail = Search(fixed_width(texts), texts)
        covered = 0
        if self._tail is not None:
            covered = self._tail.size
            tail = search_with(self._tail, 0, None)
            if exact:
                tail &= np.fromiter((value is not None for value in added[:covered]), np.bool_, covered)
            result[:covered] = tail
            if len(added) - covered > TAIL:
                self._tail = None
        result[covered:] = [test(value) for value in added[covered:]]
        return result
