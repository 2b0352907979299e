"""`random.Random.sample` of many indices at once: the same indices, and the generator left in the same state, as
the standard library's draws one by one, with the Mersenne Twister's words drawn in bulk (one `getrandbits` of
many words, its bytes read by numpy) and the picks made vectorized."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]
BULK_FROM = 64
"""Fewer picks than this are drawn by the standard library itself."""


def sample(rng: random.Random, n: int, k: int) -> Indices:
    """What `rng.sample(range(n), k)` picks, in its order, leaving `rng` as that call does."""
    if k < BULK_FROM or n.bit_length() > 32:
        return np.array(rng.sample(range(n), k), dtype=np.int64)
    if n <= _set_size(k):
        return _pool(rng, n, k)
    # CPython's set method: each pick is getrandbits(bits) (one 32-bit word, shifted) until below n, redrawn while
    # already picked. So the picks are the first k distinct accepted values of the word stream.
    state = rng.getstate()
    bits = n.bit_length()
    words = int(k * (1 << bits) / n * (1 + k / n) * 1.05) + 256
    while True:
        drawn = _words(rng, state, words) >> np.uint32(32 - bits)
        accepted = np.flatnonzero(drawn < n)
        values = drawn[accepted].astype(np.int64)
        # The first draw of each value: written in reverse, the earliest position of a repeated value is written last.
        kind = np.int32 if values.size < 2**31 else np.int64  # (half the bytes to write over n slots)
        earliest = np.empty(n, dtype=kind)
        positions = np.arange(values.size, dtype=kind)
        earliest[values[::-1]] = positions[::-1]
        first = np.flatnonzero(earliest[values] == positions)
        if first.size >= k:
            break
        words *= 2
    firsts = first[:k]
    _consume(rng, state, int(accepted[firsts[-1]]) + 1)
    picked: Indices = values[firsts]
    return picked


def _pool(rng: random.Random, n: int, k: int) -> Indices:
    """CPython's pool method: pick i is `randbelow(n - i)` into a pool whose picked slot takes its last item; the
    words come in bulk and the pool is kept as the few slots that moved."""
    state = rng.getstate()
    words = 2 * k + 256
    while True:
        stream = _words(rng, state, words).tolist()
        picked: list[int] = []
        moved: dict[int, int] = {}
        used = 0
        try:
            for i in range(k):
                size = n - i
                shift = 32 - size.bit_length()
                drawn = stream[used] >> shift
                used += 1
                while drawn >= size:
                    drawn = stream[used] >> shift
                    used += 1
                picked.append(moved.get(drawn, drawn))
                moved[drawn] = moved.get(size - 1, size - 1)
        except IndexError:
            words *= 2
            continue
        _consume(rng, state, used)
        return np.array(picked, dtype=np.int64)


def _words(rng: random.Random, state: tuple[Any, ...], count: int) -> npt.NDArray[np.uint32]:
    """The next `count` 32-bit words of `rng` from `state`, in the order drawn (`getrandbits` of more than 32 bits
    takes one word per 32 bits, the first drawn the least significant)."""
    rng.setstate(state)
    words = np.frombuffer(rng.getrandbits(32 * count).to_bytes(4 * count, "little"), dtype="<u4")
    return words.astype(np.uint32)


def _consume(rng: random.Random, state: tuple[Any, ...], used: int) -> None:
    """Leave `rng` as `used` words drawn from `state` leave it."""
    rng.setstate(state)
    if used:
        rng.getrandbits(32 * used)


def _set_size(k: int) -> int:
    """The population size up to which CPython's `sample` copies the population instead (its `setsize`): 21, and
    for k > 5 the smallest power of 4 at least 3k (never equal to it, so its float logarithm rounds up right)."""
    size = 21
    if k > 5:
        power = 1
        while power < 3 * k:
            power *= 4
        size += power
    return size
