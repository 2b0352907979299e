"""Substring and exact search as bytes: the same answers as Python's `in` and `==` on every value."""

from __future__ import annotations

import random

import numpy as np

from simulator.domain.population import PopulationSpec, build
from simulator.domain.search import Search, TextColumn, fixed_width

ALPHABET = "ab1-_.:é☃"


def test_search_answers_as_python_does() -> None:
    rng = random.Random(8)
    values = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    values += ["x" * 40, "ab" * 20, "", "1.2.3.4", "2001:db8::1"]
    search = Search(fixed_width(values))
    patterns = ["", "a", "é", "☃a", "b1", "zz", "x" * 40, "x" * 41, "ab" * 20, "a\0", "\n", "1.2"]
    patterns += [value[rng.randrange(len(value) + 1) :][: rng.randint(1, 4)] for value in rng.sample(values, 60)]
    for pattern in patterns:
        assert search.contains(pattern).tolist() == [pattern in value for value in values], pattern
        assert search.equals(pattern).tolist() == [pattern == value for value in values], pattern


def test_a_match_never_spans_two_values() -> None:
    search = Search(fixed_width(["abc", "def", "x" * 7, "yz"]))
    assert search.contains("cd").tolist() == [False] * 4
    assert search.contains("xy").tolist() == [False] * 4
    assert search.contains("c").tolist() == [True, False, False, False]
    odd = Search(fixed_width(["abc", "d", "ef"]))  # nine bytes in all: an odd buffer
    assert odd.contains("ef").tolist() == [False, False, True]
    assert odd.equals("d").tolist() == [False, True, False]


def test_clientids_are_ordered_as_python_orders_them() -> None:
    rng = random.Random(4)
    ascii_only = ["".join(rng.choice("aZ09-_") for _ in range(rng.randint(1, 9))) for _ in range(200)]
    for values in (ascii_only, [*ascii_only, "é", "ab☃", "abz"], []):
        unique = list(dict.fromkeys(values))
        assert [unique[row] for row in np.argsort(fixed_width(unique), kind="stable").tolist()] == sorted(unique)
    population = build(PopulationSpec(seed=6, clients=3000, nodes=2, now_ms=1_694_770_580_000))
    clientids = [population.core.clientid_at(row) for row in range(len(population.core))]
    assert clientids == sorted(clientids)
    given = Search(population.core.clientid)
    for part in ("a", "10", "sensor-", clientids[7][2:9]):
        assert given.contains(part).tolist() == [part in clientid for clientid in clientids]


def test_a_text_column_answers_as_its_values_do_after_changes_and_additions() -> None:
    rng = random.Random(3)
    generated = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8))) for _ in range(500)]
    missing = np.array([rng.random() < 0.2 for _ in generated])
    values: list[str | None] = [None if gone else value for value, gone in zip(generated, missing, strict=True)]
    encoded = fixed_width([value or "" for value in values])  # a missing value's bytes are empty
    column = TextColumn(len(values), tuple(values).__getitem__, lambda: [(None, encoded)], missing)
    for row in rng.sample(range(len(values)), 40):
        values[row] = rng.choice([None, "", "ab", "zz-new", generated[row]])
        column.set(row, values[row])
    for count in range(3000):  # past the added values searched one by one, so some are searched as bytes
        value = None if count % 7 == 0 else f"{rng.choice(ALPHABET)}added-{count}"
        values.append(value)
        column.append(value)
    column.set(len(values) - 1, "last")
    values[-1] = "last"
    assert list(column) == values
    for pattern in ("", "a", "é", "ab", "zz-new", "added-1", "\0", "last", generated[5], "added-2999"):
        assert column.contains(pattern).tolist() == [pattern in (value or "") for value in values], pattern
        assert column.equals(pattern).tolist() == [pattern == value for value in values], pattern


def test_a_pattern_with_a_nul_matches_only_values_holding_one() -> None:
    plain = Search(fixed_width(["abc", "", "x-1"]))
    assert plain.contains("\0").tolist() == [False] * 3 and plain.equals("abc\0").tolist() == [False] * 3
    held = ["a\0b", "ab", "\0z"]  # a NUL before another byte (one at the very end is padding, as in C)
    holding = Search(fixed_width(held))
    for pattern in ("\0", "a\0", "\0b", "\0z", "b\0"):
        assert holding.contains(pattern).tolist() == [pattern in value for value in held], pattern
