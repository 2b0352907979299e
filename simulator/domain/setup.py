"""What a population is generated from: a named scenario's population spec and churn."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from simulator.domain.churn import Churn
from simulator.domain.population import PopulationSpec


@dataclass(frozen=True, slots=True)
class Setup:
    """The spec of a population, its churn (None: none), and the name of the scenario it comes from."""

    spec: PopulationSpec
    churn: Churn | None = None
    scenario: str = "default"

    def data(self) -> dict[str, Any]:
        """As plain data: the scenario's name, the population spec and the churn (read back by `restore`)."""
        return {
            "scenario": self.scenario,
            "spec": {**asdict(self.spec), "explicit": [dict(item) for item in self.spec.explicit]},
            "churn": None if self.churn is None else asdict(self.churn),
        }
