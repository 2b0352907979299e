"""What a population is generated from: a named scenario's population spec and churn."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.churn import Churn
from simulator.domain.population import PopulationSpec


@dataclass(frozen=True, slots=True)
class Setup:
    """The spec of a population, its churn (None: none), and the name of the scenario it comes from."""

    spec: PopulationSpec
    churn: Churn | None = None
    scenario: str = "default"
