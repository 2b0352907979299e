"""Generated names and addresses as text for many rows at once: the same bytes as the scalar functions (`names`,
`ipaddress`) write, built with vectorized numpy as fixed-width bytes arrays (a row each, padded with NULs)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from ipaddress import IPv6Address
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.domain.population.names import FIRST_NAMES, LAST_NAMES, WORDS

Bytes = npt.NDArray[np.bytes_]
Matrix = npt.NDArray[np.uint8]
"""Text as a row of bytes each, NULs past its length."""
Words = npt.NDArray[np.uint64]
Lengths = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.integer[Any]]
Piece = bytes | Matrix | tuple[Matrix, Ints]
"""Part of each row's text: the same bytes in every row, a matrix whose rows are all as long as it is wide, or a
matrix and each row's length (NULs past it)."""

CHUNK = 16_384
"""Rows built at a time."""
LOWER_HEX = np.array([f"{octet:02x}".encode() for octet in range(256)], dtype="S2")
UPPER_HEX = np.array([f"{octet:02X}".encode() for octet in range(256)], dtype="S2")
DECIMAL_QUADS = np.array([f"{quad:04d}".encode() for quad in range(10_000)], dtype="S4")
UUID_DASHES = (8, 12, 16, 20)
"""Hex digits of a UUID before each of its dashes."""
assert all(name.isascii() for name in FIRST_NAMES + LAST_NAMES + WORDS), "one byte per character is assumed"


def compose(pieces: Sequence[Piece], rows: int, width: int | None = None) -> Bytes:
    """Each row's pieces one after the other, as `S<width>`: by default the longest of each piece together, the
    most a row can need."""
    runs: list[tuple[Matrix, Words | int, int]] = []  # a matrix, its rows' lengths, and the longest
    fixed: list[Matrix] = []
    for piece in pieces:
        if isinstance(piece, bytes):
            fixed.append(np.broadcast_to(np.frombuffer(piece, dtype=np.uint8), (rows, len(piece))))
        elif isinstance(piece, np.ndarray):
            fixed.append(piece)
        else:
            if fixed:
                runs.append(_joined(fixed, rows))
                fixed = []
            runs.append((piece[0], piece[1].astype(np.uint64), int(piece[1].max(initial=0))))
    if fixed:
        runs.append(_joined(fixed, rows))
    full = sum(longest for _, _, longest in runs)
    words = np.zeros((max(1, -(-full // 8)), rows), dtype=np.uint64)  # a row of words per 8 bytes of every text
    used = 0
    for matrix, lengths, longest in reversed(runs):  # each run goes in front of those after, moved on by its length
        span = -(-(used + longest) // 8)
        if used:
            words[:span] = _moved(words[:span], lengths)
        front = _words(matrix)[:span]
        words[: len(front)] |= front
        used += longest
    text = np.ascontiguousarray(words.T).astype("<u8", copy=False).view(f"S{8 * len(words)}").reshape(rows)
    return text.astype(f"S{max(1, full if width is None else width)}", copy=False)


def hex_digits(values: Ints, digits: int, upper: bool = False) -> Matrix:
    """The last `digits` (up to 16) hex digits of each value, zero-padded, as a matrix."""
    octets = -(-digits // 2)
    last = values.astype(">u8").view(np.uint8).reshape(len(values), 8)[:, 8 - octets :]
    text = (UPPER_HEX if upper else LOWER_HEX)[last].view(np.uint8).reshape(len(values), 2 * octets)
    return text[:, 2 * octets - digits :]


def decimal_digits(values: Ints, digits: int) -> Matrix:
    """The last `digits` decimal digits of each value, zero-padded, as a matrix."""
    quads = -(-digits // 4)
    powers = np.uint64(10_000) ** np.arange(quads - 1, -1, -1, dtype=np.uint64)
    index = ((values.astype(np.uint64)[:, None] // powers) % np.uint64(10_000)).astype(np.intp)
    return DECIMAL_QUADS[index].view(np.uint8).reshape(len(values), 4 * quads)[:, 4 * quads - digits :]


def usernames(bits: Ints) -> Bytes:
    """`username_from(b)` for each of `bits` (in [0, 2**63))."""
    return _in_chunks(_usernames, bits)


def clientids(styles: Ints, firsts: Ints, seconds: Ints) -> Bytes:
    """`clientid_from(s, a, b)` for each of `styles` (0 to 7), `firsts` and `seconds` (in [0, 2**63))."""
    return _in_chunks(_clientids, styles, firsts, seconds, chunk=8 * CHUNK)  # a chunk's worth of each shape


def ipv4_text(v4: Ints) -> Bytes:
    """Each IPv4 address (below 2**32) as dotted-quad text, as `S15`."""
    return _in_chunks(_ipv4_text, v4)


def ipv6_text(high: Ints, low: Ints) -> Bytes:
    """`str(IPv6Address((1 << 125) | (h << 64) | (lo << 1)))` for each `h` of `high` (below 2**61) and `lo` of
    `low` (below 2**63), as `S39`: vectorized but where two groups in a row are 0 (then `::` shortens it)."""
    return _in_chunks(_ipv6_text, high, low)


def _in_chunks(build: Callable[..., Bytes], *columns: Ints, chunk: int = CHUNK) -> Bytes:
    """`build` of `columns` a chunk of rows at a time, so that its temporaries stay in the cache (up to twice as
    quick) and no step holds the GIL for long."""
    starts = range(0, max(1, len(columns[0])), chunk)  # once when there are no rows
    parts = [build(*(column[at : at + chunk] for column in columns)) for at in starts]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _usernames(bits: Ints) -> Bytes:
    """`usernames`, of one chunk."""
    drawn = bits.astype(np.uint64)
    first = (drawn >> np.uint64(2)) % np.uint64(len(FIRST_NAMES))
    last = (drawn >> np.uint64(20)) % np.uint64(len(LAST_NAMES))
    number = (drawn >> np.uint64(40)) % np.uint64(100)
    letter = (drawn >> np.uint64(48)) % np.uint64(26)
    shape = (drawn & np.uint64(3)).astype(np.intp)
    f, n = len(FIRST_NAMES), len(LAST_NAMES)  # the heads: "last." "first." "first" "x"; the tails: first last NN last
    head = np.choose(shape, (last, first + np.uint64(n), first + np.uint64(n + f), letter + np.uint64(n + 2 * f)))
    tail = np.choose(shape, (first, last + np.uint64(f), number + np.uint64(f + n), last + np.uint64(f)))
    heads, tails = _username_tables()
    return compose([_looked_up(heads, head), _looked_up(tails, tail)], len(bits))


def _clientids(styles: Ints, firsts: Ints, seconds: Ints) -> Bytes:
    """`clientids`, of one chunk: each shape's rows built together."""
    first, second = firsts.astype(np.uint64), seconds.astype(np.uint64)
    shapes = [(rows, style) for style in range(8) if len(rows := np.flatnonzero(styles == style))]
    parts = [(rows, _clientid_shape(style, first[rows], second[rows])) for rows, style in shapes]
    text = np.zeros(len(first), dtype=f"S{max((part.dtype.itemsize for _, part in parts), default=1)}")
    for rows, part in parts:
        text[rows] = part
    return text


def _ipv4_text(v4: Ints) -> Bytes:
    """`ipv4_text`, of one chunk: "a.b." by the upper 16 bits, then "c.d" by the lower."""
    address = v4.astype(np.uint64)
    upper, lower = _ipv4_tables()
    halves = [_looked_up(upper, address >> np.uint64(16)), _looked_up(lower, address & np.uint64(0xFFFF))]
    return compose(halves, len(address), 15)


def _ipv6_text(high: Ints, low: Ints) -> Bytes:
    """`ipv6_text`, of one chunk: the eight groups in hex, each but the last with its colon; the rows where two
    groups in a row are 0 written by `ipaddress` instead."""
    halves = (high.astype(np.uint64) | np.uint64(1 << 61), low.astype(np.uint64) << np.uint64(1))
    groups = [(half >> np.uint64(shift)) & np.uint64(0xFFFF) for half in halves for shift in (48, 32, 16, 0)]
    with_colon, alone = _ipv6_tables()
    pieces = [_looked_up(with_colon, group) for group in groups[:-1]] + [_looked_up(alone, groups[-1])]
    text = compose(pieces, len(high), 39)
    zeros = [group == 0 for group in groups]
    for row in np.flatnonzero(np.logical_or.reduce([a & b for a, b in itertools.pairwise(zeros)])):
        h, lo = int(high[row]), int(low[row])
        text[row] = str(IPv6Address((1 << 125) | (h << 64) | (lo << 1))).encode()
    return text


def _clientid_shape(style: int, first: Words, second: Words) -> Bytes:
    """`CLIENTID_SHAPES[style](a, b)` for each of `first` and `second`."""
    rows = len(first)
    if style == 0:
        return compose([b"mqttx_", hex_digits(first, 8)], rows)
    if style == 1:
        return compose([b"device-", decimal_digits(first % np.uint64(1_000_000), 6)], rows)
    if style == 2:
        return compose([b"sensor-", _uuid4(first, second)], rows)
    if style == 3:
        word = _looked_up(_word_table(), first % np.uint64(len(WORDS)))
        return compose([word, hex_digits(second, 4)], rows)
    if style == 4:
        return compose([b"ESP32_", hex_digits(first, 6, upper=True)], rows)
    if style == 5:
        return compose([b"paho", decimal_digits(np.uint64(10**12) + first % np.uint64(9 * 10**12), 13)], rows)
    if style == 6:
        return compose([b"nodered_", hex_digits(first, 8)], rows)
    name = _usernames(first)
    name_piece = (name.view(np.uint8).reshape(rows, name.dtype.itemsize), np.strings.str_len(name))
    return compose([name_piece, b"_", decimal_digits(second % np.uint64(1000), 3)], rows)


def _uuid4(first: Words, second: Words) -> Matrix:
    """`str(UUID(int=(a << 65) | (b << 2), version=4))` for each of `first` and `second`, as a matrix."""
    high = (first << np.uint64(1)) | (second >> np.uint64(62))
    low = second << np.uint64(2)
    high = (high & ~np.uint64(0xF000)) | np.uint64(4 << 12)  # the version, as `UUID.__init__` sets it
    low = (low & ~np.uint64(0xC000 << 48)) | np.uint64(0x8000 << 48)  # the variant (RFC 4122)
    digits = np.hstack([hex_digits(high, 16), hex_digits(low, 16)])
    return np.insert(digits, UUID_DASHES, ord("-"), axis=1)


def _joined(matrices: list[Matrix], rows: int) -> tuple[Matrix, int, int]:
    """Matrices whose rows are all full, side by side, and their width (as each row's length, and the longest)."""
    matrix = np.hstack(matrices)
    return matrix, matrix.shape[1], matrix.shape[1]


def _words(matrix: Matrix) -> Words:
    """The rows of `matrix`, NULs past its width, as little-endian 64-bit words: its first 8 bytes' words, then the
    next 8 bytes', and so on."""
    rows, width = matrix.shape
    if width % 8 or not matrix.flags.c_contiguous:
        padded = np.zeros((rows, 8 * max(1, -(-width // 8))), dtype=np.uint8)
        padded[:, :width] = matrix
        matrix = padded
    words: Words = matrix.view("<u8").T
    return words


def _moved(words: Words, by: Words | int) -> Words:
    """Each text in `words` (its words down a column) moved `by` bytes (one count for all, or one each) further
    along; the bytes moved past its last word are lost."""
    bits: np.uint64 | Words
    if isinstance(by, int):
        words, bits = _down(words, by // 8), np.uint64(8 * (by % 8))
    else:
        whole, bits = by >> np.uint64(3), (by & np.uint64(7)) << np.uint64(3)
        for step in (1 << power for power in range(int(whole.max(initial=0)).bit_length())):
            words = np.where((whole & np.uint64(step)) != 0, _down(words, step), words)
    shifted: Words = words << bits
    shifted[1:] |= words[:-1] >> (np.uint64(64) - bits)
    return shifted


def _down(words: Words, step: int) -> Words:
    """Each text in `words` moved `step` whole words further along."""
    moved = np.zeros_like(words)
    moved[step:] = words[: max(0, len(words) - step)]
    return moved


def _looked_up(table: tuple[Bytes, Lengths], index: Ints) -> tuple[Matrix, Lengths]:
    """The entries of a table (its text, and their lengths) at `index`, as a piece."""
    text, lengths = table
    rows = index.astype(np.intp)  # far quicker to index with than uint64
    return text[rows].view(np.uint8).reshape(len(rows), text.dtype.itemsize), lengths[rows]


def _table(values: list[str]) -> tuple[Bytes, Lengths]:
    """ASCII `values` as fixed-width bytes (a multiple of 8 wide, so that they read as words), and their lengths."""
    width = 8 * -(-max(map(len, values)) // 8)
    return np.array([value.encode() for value in values], dtype=f"S{width}"), np.array(list(map(len, values)), np.uint8)


@functools.cache
def _username_tables() -> tuple[tuple[Bytes, Lengths], tuple[Bytes, Lengths]]:
    """What user names begin with (by shape: "last.", "first.", "first", a letter) and end with (first, last, two
    digits, last), each shape's entries after the previous shape's."""
    first, last = [name.lower() for name in FIRST_NAMES], [name.lower() for name in LAST_NAMES]
    letters = [chr(97 + letter) for letter in range(26)]
    heads = [f"{name}." for name in last] + [f"{name}." for name in first] + first + letters
    return _table(heads), _table(first + last + [f"{number:02d}" for number in range(100)])


@functools.cache
def _word_table() -> tuple[Bytes, Lengths]:
    """Each of `WORDS` and a dash."""
    return _table([f"{word}-" for word in WORDS])


@functools.cache
def _ipv4_tables() -> tuple[tuple[Bytes, Lengths], tuple[Bytes, Lengths]]:
    """The text of an IPv4 address's upper half ("a.b.") and lower half ("c.d"), by its 16 bits."""
    halves = [f"{half >> 8}.{half & 255}" for half in range(1 << 16)]
    return _table([f"{half}." for half in halves]), _table(halves)


@functools.cache
def _ipv6_tables() -> tuple[tuple[Bytes, Lengths], tuple[Bytes, Lengths]]:
    """The text of an IPv6 group and a colon, and of a last group, by its 16 bits."""
    groups = [f"{group:x}" for group in range(1 << 16)]
    return _table([f"{group}:" for group in groups]), _table(groups)
