"""`random.Random.sample` of many indices at once: the same indices, and the generator left in the same state, as
the standard library's draws one by one, with the Mersenne Twister's words drawn in bulk by numpy."""

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
        drawn = _generator(state).random_raw(words) >> np.uint64(32 - bits)
        accepted = np.flatnonzero(drawn < n)
        values = drawn[accepted].astype(np.int64)
        # The first draw of each value: written in reverse, the earliest position of a repeated value is written last.
        earliest = np.empty(n, dtype=np.int64)
        positions = np.arange(values.size, dtype=np.int64)
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
        stream = _generator(state).random_raw(words).tolist()
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


def _consume(rng: random.Random, state: tuple[Any, ...], used: int) -> None:
    """Leave `rng` as `used` words drawn from `state` leave it."""
    generator = _generator(state)
    generator.random_raw(used)
    key, position = generator.state["state"]["key"], generator.state["state"]["pos"]
    rng.setstate((state[0], (*(int(word) for word in key), int(position)), state[2]))


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


def _generator(state: tuple[Any, ...]) -> np.random.MT19937:
    words = state[1]
    assert isinstance(words, tuple)
    generator = np.random.MT19937()
    generator.state = {
        "bit_generator": "MT19937",
        "state": {"key": np.array(words[:624], dtype=np.uint32), "pos": int(words[624])},
    }
    return generator
