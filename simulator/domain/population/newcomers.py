"""Churn's newcomers: clients that connect while the simulation runs, drawn as generated clients are."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from simulator.domain.client import Client, ConnState
from simulator.domain.population.columns import draw
from simulator.domain.population.details import materialize
from simulator.domain.population.spec import PopulationSpec
from simulator.domain.search import fixed_width


def arrivals(spec: PopulationSpec) -> Callable[[random.Random, int, int], Client]:
    """A factory of newly connected clients for churn, drawing from the random source it is given."""

    def arrive(rng: random.Random, sequence: int, at_ms: int) -> Client:
        core = draw(np.random.default_rng(rng.getrandbits(64)), 1, spec, at_ms)
        core.clientid = fixed_width([f"{core.clientid_at(0)}-{sequence:x}"])
        client = materialize(core, 0, spec)
        client.state, client.created_at_ms, client.connected_at_ms = ConnState.CONNECTED, at_ms, at_ms
        client.disconnected_at_ms = None
        return client

    return arrive
