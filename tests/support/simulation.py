"""Simulations for tests: a generated population on a given clock, with the default scenario's knobs."""

from __future__ import annotations

from simulator.domain.clock import Clock
from simulator.domain.population import PopulationSpec
from simulator.service import Simulation


def generated(clock: Clock, seed: int, size: int, nodes: int) -> Simulation:
    """A simulation of `size` clients on `nodes` nodes generated from `seed`, as of the clock's instant."""
    return Simulation(clock, PopulationSpec(seed=seed, clients=size, nodes=nodes, now_ms=clock.now_ms()))
