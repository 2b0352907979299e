"""Distinct clientids decided by hashes: the same clientids, and the same draws, as a Python set decides them."""

from __future__ import annotations

import copy

import numpy as np

from simulator.domain.population.distinct import Taken, distinct
from simulator.domain.population.names import clientid_from
from simulator.domain.search import fixed_width, hashes_of


def by_set(gen: np.random.Generator, clientids: list[bytes], taken: set[bytes]) -> list[bytes]:
    """Each clientid in turn, drawn again while it is taken."""
    result = []
    for clientid in clientids:
        while clientid in taken:
            style, first, second = (int(value) for value in gen.integers(0, 2**63, 3))
            clientid = clientid_from(style % 8, first, second).encode()
        taken.add(clientid)
        result.append(clientid)
    return result


def first_try(gen: np.random.Generator) -> bytes:
    style, first, second = (int(value) for value in copy.deepcopy(gen).integers(0, 2**63, 3))
    return clientid_from(style % 8, first, second).encode()


def test_batches_get_the_clientids_and_leave_the_generator_as_a_set_does() -> None:
    rng = np.random.default_rng(11)
    before = [b"client_1", b"mqttx_07cb8109"]
    taken, seen = Taken(), set(before)
    taken.add(hashes_of(fixed_width([value.decode() for value in before])))
    ours, theirs = np.random.default_rng(5), np.random.default_rng(5)
    for batch in range(6):
        # A few values, many times over; the earlier values; and the first try's clientid further on, which
        # the try then takes from the row that has it.
        clientids = [f"device-{value:06d}".encode() for value in rng.integers(0, 40, 300).tolist()]
        clientids[5:8] = [before[0], before[1], clientids[4]]
        clientids[200] = first_try(ours)
        expected = by_set(theirs, clientids, seen)
        got = distinct(ours, fixed_width([value.decode() for value in clientids]), taken)
        assert got.tolist() == expected, batch
        assert len(set(expected)) == len(expected)
    assert ours.integers(0, 2**63, 5).tolist() == theirs.integers(0, 2**63, 5).tolist()


def test_clientids_none_of_which_is_taken_are_kept_and_draw_nothing() -> None:
    gen, untouched = np.random.default_rng(3), np.random.default_rng(3)
    clientids = fixed_width([f"sensor-{index}" for index in range(1000)])
    assert distinct(gen, clientids, Taken()) is clientids
    assert gen.random() == untouched.random()
