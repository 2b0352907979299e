"""One simulated deployment: its simulation, fault rules, request journal, scenarios and byte cache."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.cache import ByteCache
from simulator.config import Config
from simulator.domain.clock import Clock
from simulator.domain.population import Progress
from simulator.domain.propagation import parse_delay
from simulator.faults import Faults
from simulator.journal import Journal
from simulator.scenarios import Catalog, Scenario, ScenarioError, setup_for
from simulator.service import Simulation
from simulator.tokens import Logins

if TYPE_CHECKING:
    from simulator.durable import Durable


@dataclass
class Deployment:
    """What the handlers of both APIs act on. `scenario` is the one the population was last built from."""

    simulation: Simulation
    faults: Faults
    journal: Journal
    catalog: Catalog
    scenario: Scenario
    cache: ByteCache
    logins: Logins | None = None
    """The dashboard's user and its sessions, where the emulated API has `POST /login`."""
    durable: Durable | None = None
    """Its state file and change log (`--state-file`): every answer waits until the changes before it are durable."""

    @classmethod
    def start(
        cls,
        config: Config,
        cache: ByteCache,
        simulation: Simulation | None = None,
        progress: Progress | None = None,
        logins: Logins | None = None,
    ) -> Deployment:
        """The deployment `config` describes, or one around `simulation`; raises `ScenarioError` for a scenario
        that cannot be used. `progress` is told how building the population goes."""
        catalog = Catalog(config.scenario_dirs)
        scenario = catalog.find(config.scenario)
        if simulation is None:
            clock = Clock(time.time) if config.frozen_at_ms is None else Clock.frozen(config.frozen_at_ms)
            setup = setup_for(scenario, clock.now_ms(), config.seed, config.clients, config.nodes, config.churn)
            simulation = Simulation(clock, setup.spec, setup.churn, setup.scenario, progress)
        try:
            delay = config.propagation_ms or parse_delay(scenario.data.get("propagation_ms", 0))
        except ValueError as error:
            raise ScenarioError(f"{scenario.path}: propagation_ms: {error}") from None
        simulation.propagation.set(*delay)
        faults = Faults(simulation.spec.seed)
        return cls(simulation, faults, Journal(config.journal_size), catalog, scenario, cache, logins)
