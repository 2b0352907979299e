"""Everything a running simulator holds, handed to handlers through each request's state."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from simulator.config import Config
from simulator.domain.clock import Clock
from simulator.domain.population import Progress
from simulator.faults import Faults
from simulator.journal import Journal
from simulator.rendering import Renderer
from simulator.scenarios import Catalog, Scenario, setup_for
from simulator.service import Simulation


@dataclass
class Runtime:
    """The simulation with its controls: fault rules, request journal, scenario catalog."""

    config: Config
    simulation: Simulation
    faults: Faults
    journal: Journal
    catalog: Catalog
    scenario: Scenario
    renderer: Renderer = field(default_factory=Renderer)

    @classmethod
    def start(cls, config: Config, progress: Progress | None = None) -> Runtime:
        """A runtime for `config`; raises `ScenarioError` for a scenario that cannot be used. `progress` is told
        how building the population goes."""
        clock = Clock(time.time) if config.frozen_at_ms is None else Clock.frozen(config.frozen_at_ms)
        catalog = Catalog(config.scenario_dirs)
        scenario = catalog.find(config.scenario)
        setup = setup_for(scenario, clock.now_ms(), config.seed, config.clients, config.nodes, config.churn)
        simulation = Simulation(clock, setup.spec, setup.churn, setup.scenario, progress)
        return cls(config, simulation, Faults(config.seed), Journal(config.journal_size), catalog, scenario)
