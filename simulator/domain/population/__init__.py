"""The population: a deterministic, varied, internally consistent set of clients generated from one seed.

Its parts: `spec` (what to generate), `columns` (the generated clients as columns, drawn vectorized), `names`
(clientid and user-name shapes), `details` (the rest of a client, drawn when it is built), `documented` (the
published document's clients), `overrides` (clients a scenario gives) and `newcomers` (clients churn adds).

Every random draw of the simulator comes from one of these streams, each seeded from the spec's seed, so the
same seed and the same clock give byte-identical answers:

- `numpy.random.default_rng(seed % 2**64)`: the columns of the explicit clients, then of the generated ones,
  chunk by chunk, with the redraws of clientids taken already (`columns.draw`, `distinct.distinct`).
- `random.Random(seed)`: one 64-bit seed per overridden client, for a numpy generator that redraws its timeline
  with the same function the columns use (`overrides.override`).
- SplitMix64 of a key made of the clientid's hash and the seed, plus a counter: a generated client's details,
  drawn each time it is built, for a page of clients at once (`details.materialize_rows`).
- `Faker("en_US").seed_instance(seed)`: 256 company names for certificates' subjects, drawn once per seed
  (`details.companies`).
- `random.Random(f"{seed}:given:{clientid}")`: a client put in place through the control API, its columns drawn
  by a numpy generator seeded from it, then its given fields applied (`overrides.given_client`).
- `random.Random(f"{seed}:churn:{minute}")`: which clients disconnect and reconnect in a simulated minute, and
  one 64-bit seed per newcomer for a numpy generator drawing its columns (`simulator.domain.churn`,
  `newcomers.arrivals`).
- `random.Random(f"{seed}:faults")`: the delays and error rolls of fault rules (`simulator.faults`, outside the
  domain).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import numpy as np

from simulator.domain.client import Client
from simulator.domain.population.columns import NO_TIME, PROTOCOLS, STATES, ZONES, Core, draw
from simulator.domain.population.details import materialize, materialize_rows
from simulator.domain.population.distinct import Taken, distinct
from simulator.domain.population.documented import documented_clients
from simulator.domain.population.newcomers import arrivals
from simulator.domain.population.overrides import given_client, override
from simulator.domain.population.spec import PopulationSpec, Progress, node_name, node_names
from simulator.domain.search import fixed_width, hashes_of

__all__ = [
    "NO_TIME",
    "PROTOCOLS",
    "STATES",
    "ZONES",
    "Population",
    "PopulationSpec",
    "Progress",
    "arrivals",
    "build",
    "documented_clients",
    "given_client",
    "node_name",
    "node_names",
]

CHUNK = 65_536
"""Generated clients drawn at a time (and between two reports of progress)."""


@dataclass(slots=True)
class Population:
    """The clients of a spec: the documented and explicit ones as objects, the generated ones as columns, in
    clientid order."""

    spec: PopulationSpec
    objects: list[Client]
    core: Core

    def __len__(self) -> int:
        return len(self.objects) + len(self.core)

    def materialize_rows(self, rows: list[int]) -> list[Client]:
        """Generated clients `rows`, whole; the same clients every time."""
        return materialize_rows(self.core, rows, self.spec)


def build(spec: PopulationSpec, progress: Progress | None = None) -> Population:
    """The population of `spec`: the documented clients, the explicit ones, then generated ones up to
    `spec.clients` in all; the same clients for the same spec, built column-wise in chunks."""
    gen = np.random.default_rng(spec.seed % 2**64)
    objects = documented_clients(node_names(spec.nodes)[0], spec.now_ms)[: spec.clients] if spec.documented else []
    explicit_ids = [str(given["clientid"]) for given in spec.explicit]
    given_ids = [client.clientid for client in objects] + explicit_ids
    for clientid, count in Counter(explicit_ids).items():
        if count > 1 or clientid in given_ids[: len(objects)]:
            raise ValueError(f"clientid {clientid!r} is given twice")
    taken = Taken()
    taken.add(hashes_of(fixed_width(given_ids)))
    rng = random.Random(spec.seed)
    explicit = draw(gen, len(explicit_ids), spec, spec.now_ms, explicit_ids)
    for row, given in enumerate(spec.explicit):
        objects.append(override(rng, materialize(explicit, row, spec), given, spec.now_ms))
    wanted = max(0, spec.clients - len(objects))
    parts: list[Core] = []
    done = 0
    while done < wanted:
        count = min(CHUNK, wanted - done)
        part = draw(gen, count, spec, spec.now_ms)
        part.clientid = distinct(gen, part.clientid, taken)
        parts.append(part)
        done += count
        if progress is not None:
            progress("generating", done, wanted)
    return Population(spec, objects, Core.concatenate(parts).sorted())
