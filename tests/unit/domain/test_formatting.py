"""The vectorized builders write byte for byte what the scalar functions write, padding included."""

from __future__ import annotations

import random
from ipaddress import IPv6Address

import numpy as np
import numpy.typing as npt

from simulator.domain.population.formatting import (
    CHUNK,
    Piece,
    clientids,
    compose,
    ipv4_text,
    ipv6_text,
    usernames,
)
from simulator.domain.population.names import clientid_from, username_from

ROWS = 200_000
TOP = 2**63 - 1
EDGES = [0, 1, 9, 10, 15, 16, 255, 999, 1000, 65_535, 999_999, 10**6, 2**32 - 1, 2**32, 9 * 10**12 - 1, 9 * 10**12]
EDGES += [2**62, TOP - 1, TOP, 2**63 - 2**32, 0x7000_0000_0000_0001, 0x0F0F_0F0F_0000_00A0]
"""Values with leading zeros in their hex and decimal digits (of the parts that are shown), and the extremes."""


def same(built: npt.NDArray[np.bytes_], values: list[str]) -> None:
    """`built` is the UTF-8 of `values`, a row each, NUL-padded to its width."""
    assert built.dtype.kind == "S"
    assert len(built) == len(values)
    expected = np.array([value.encode() for value in values], dtype=np.bytes_)
    assert expected.dtype.itemsize <= built.dtype.itemsize
    assert built.tobytes() == expected.astype(built.dtype).tobytes()


def random_bits(seed: int, n: int, top: int = 2**63) -> npt.NDArray[np.int64]:
    return np.random.default_rng(seed).integers(0, top, n, dtype=np.int64)


def test_usernames_are_username_from() -> None:
    bits = np.concatenate([random_bits(1, ROWS), np.array(EDGES, dtype=np.int64)])
    built = usernames(bits)
    same(built, [username_from(b) for b in bits.tolist()])
    assert usernames(bits.astype(np.uint64)).tobytes() == built.tobytes()


def test_clientids_are_clientid_from_in_every_shape() -> None:
    styles = np.random.default_rng(2).integers(0, 8, ROWS)
    firsts, seconds = random_bits(3, ROWS), random_bits(4, ROWS)
    edges = [(style, a, b) for style in range(8) for a in EDGES for b in (EDGES[0], EDGES[5], EDGES[-1])]
    styles = np.concatenate([styles, np.array([style for style, _, _ in edges])])
    firsts = np.concatenate([firsts, np.array([a for _, a, _ in edges], dtype=np.int64)])
    seconds = np.concatenate([seconds, np.array([b for _, _, b in edges], dtype=np.int64)])
    built = clientids(styles, firsts, seconds)
    same(built, [clientid_from(*row) for row in zip(styles.tolist(), firsts.tolist(), seconds.tolist(), strict=True)])
    assert clientids(styles, firsts.astype(np.uint64), seconds.astype(np.uint64)).tobytes() == built.tobytes()


def test_one_shape_alone() -> None:
    firsts, seconds = random_bits(5, 3000), random_bits(6, 3000)
    for style in range(8):
        styles = np.full(3000, style)
        expected = [clientid_from(style, a, b) for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True)]
        same(clientids(styles, firsts, seconds), expected)


def test_ipv4_text_is_the_dotted_quad() -> None:
    v4 = np.random.default_rng(7).integers(0, 2**32, ROWS, dtype=np.uint64)
    v4 = np.concatenate([v4, np.array([0, 1, 255, 256, 0x0A00_0001, 0x6464_6464, 0xFFFF_FFFF], dtype=np.uint64)])
    built = ipv4_text(v4)
    assert built.dtype == np.dtype("S15")
    same(built, [f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}" for a in v4.tolist()])
    assert ipv4_text(v4.astype(np.uint32)).tobytes() == built.tobytes()


def ipv6(high: int, low: int) -> str:
    return str(IPv6Address((1 << 125) | (high << 64) | (low << 1)))


def test_ipv6_text_is_what_ipaddress_writes() -> None:
    high, low = random_bits(8, ROWS, 2**61), random_bits(9, ROWS)
    built = ipv6_text(high.astype(np.uint64), low.astype(np.uint64))
    assert built.dtype == np.dtype("S39")
    same(built, [ipv6(h, lo) for h, lo in zip(high.tolist(), low.tolist(), strict=True)])
    assert ipv6_text(high, low).tobytes() == built.tobytes()


def test_ipv6_text_shortens_runs_of_zero_groups_as_ipaddress_does() -> None:
    """Groups (after the first): of `high`, 3 from its low 48 bits; of `low`, 4 from its bits shifted up by one."""
    top = 0x1FFF << 48
    crafted = [
        (0, 0),  # 2000::
        (top, 0),  # 3fff::
        (0, TOP),  # 2000::ffff:ffff:ffff:fffe
        (top | 0x0000_0001_0000, 0x0000_0000_0000_0001),  # 3fff:0:1::2: the longer run
        (top | 0x0000_0000_0001, 0x7FFF_8000_0000_0000),  # 3fff:0:0:1:ffff::
        (top | 0x0000_0000_0001, 0x0000_0000_0000_8001),  # 3fff::1:0:0:1:2: the first of two as long
        (top | 0x0001_0000_0001, 0x0000_8000_0000_7FFF),  # 3fff:1:0:1:1::fffe
        (top | 0x1234_0000_5678, 0x0000_8000_0000_8000),  # 3fff:1234:0:5678:1:0:1:0: single 0s stay
        (0x0F0F_0F0F_0F0F_0F0F, 0x0078_7878_7878_7878),  # 2f0f:f0f:f0f:f0f:f0:f0f0:f0f0:f0f0
        (2**61 - 1, TOP),  # 3fff:ffff:ffff:ffff:ffff:ffff:ffff:fffe
    ]
    rows = [crafted[row % len(crafted)] for row in range(3 * CHUNK)]  # the odd ones among others, in every chunk
    mixed = len(rows[5::97])
    rows[5::97] = zip(random_bits(10, mixed, 2**61).tolist(), random_bits(11, mixed).tolist(), strict=True)
    expected = [ipv6(h, lo) for h, lo in rows]
    assert {"2000::", "3fff:0:1::2", "3fff:0:0:1:ffff::", "3fff::1:0:0:1:2", "3fff:1234:0:5678:1:0:1:0"} <= set(
        expected
    )
    high = np.array([h for h, _ in rows], dtype=np.uint64)
    same(ipv6_text(high, np.array([lo for _, lo in rows], dtype=np.uint64)), expected)


def test_compose_joins_pieces_of_any_length() -> None:
    rng = random.Random(12)
    n = 5000
    texts = [
        [bytes(rng.randrange(1, 256) for _ in range(rng.randint(0, limit))) for _ in range(n)]
        for limit in (0, 3, 9, 20)
    ]
    pieces: list[Piece] = []
    for column in texts:
        matrix = np.array(column, dtype=f"S{max(1, max(map(len, column)))}")
        lengths = np.array([len(value) for value in column])
        pieces += [(matrix.view(np.uint8).reshape(n, matrix.dtype.itemsize), lengths), b"|"]
    fixed = np.random.default_rng(13).integers(1, 256, (n, 11), dtype=np.uint8)
    pieces += [fixed, b"", b"end"]
    expected = [
        b"|".join(parts) + b"|" + bytes(row) + b"end"
        for parts, row in zip(zip(*texts, strict=True), fixed.tolist(), strict=True)
    ]
    built = compose(pieces, n)
    assert built.dtype.itemsize == sum(max(map(len, column)) + 1 for column in texts) + 11 + 3
    assert built.tobytes() == np.array(expected, dtype=built.dtype).tobytes()
    assert compose([b"ab", b"c"], 3).tolist() == [b"abc"] * 3
    assert compose([b"ab"], 2, width=5).dtype == np.dtype("S5")


def test_no_rows() -> None:
    none = np.zeros(0, dtype=np.int64)
    for built in (usernames(none), clientids(none, none, none), ipv4_text(none), ipv6_text(none, none)):
        assert built.dtype.kind == "S"
        assert len(built) == 0
