"""Built clients: a page read again builds nothing, the missing ones are built together, and at most `size` stay."""

from __future__ import annotations

from simulator.domain.built import Built
from simulator.domain.client import Client
from simulator.domain.population import PopulationSpec, build

NOW = 1_694_770_580_000


def test_missing_clients_are_built_together_and_the_oldest_built_go_first() -> None:
    population = build(PopulationSpec(seed=4, clients=200, nodes=1, now_ms=NOW))
    calls: list[list[int]] = []

    def built(rows: list[int]) -> list[Client]:
        calls.append(rows)
        return population.materialize_rows(rows)

    kept = Built(built, size=10)
    first = kept.many([3, 1, 3, 2])
    assert calls == [[3, 1, 2]]  # built together, each once
    assert first == population.materialize_rows([3, 1, 3, 2]) and first[0] is first[2]
    assert kept.many([2, 1]) == [first[3], first[1]] and len(calls) == 1  # read again: nothing built
    kept.many(list(range(10, 18)))  # eight more, eleven in all: the first built (3) is let go, 1 and 2 stay
    assert kept(1) is first[1] and kept(2) is first[3] and len(calls) == 2
    kept(3)
    assert calls[-1] == [3]
    kept.clear()
    kept(1)
    assert calls[-1] == [1]
