"""One simulated deployment: its simulation, fault rules, request journal, scenarios and byte cache."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.cache import ByteCache
from simulator.config import Config
from simulator.domain.clock import Clock
from simulator.domain.population import Progress
from simulator.domain.propagation import parse_delay
from simulator.faults import Faults
from simulator.history import History
from simulator.journal import Journal
from simulator.scenarios import Catalog, Scenario, ScenarioError, setup_for
from simulator.service import Simulation
from simulator.tokens import Logins

if TYPE_CHECKING:
    from simulator.deployments import Deployments
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
    """The dashboard's users and their sessions."""
    dialect: str = "cloud"
    """The emulated API served (`cloud` or `emqx5`)."""
    login_user: str | None = None
    """This deployment's dashboard user, where its emulated API has `POST /login` (the EMQX 5 dialect)."""
    history: History = field(default_factory=History)
    """Client counts over simulated time, sampled by the control API's overview."""
    peers: Deployments | None = None
    """Every deployment of the server, this one among them (for the control API's deployment operations)."""
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
        login_user = config.dashboard_user if config.dialect == "emqx5" else None
        journal = Journal(config.journal_size)
        return cls(simulation, faults, journal, catalog, scenario, cache, logins, config.dialect, login_user)
