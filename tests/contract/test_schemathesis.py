"""Schemathesis fuzzes the simulator in process against its own contract, every default check on."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.hooks import load_from_path
from schemathesis.openapi.checks import UseAfterFree

from simulator import spec
from simulator.app import create_app
from simulator.domain.clock import Clock
from simulator.service import Simulation
from tests.conftest import AUTH, FROZEN_AT, make_config
from tests.support.simulation import generated

DEEP = os.environ.get("EMQX_SIM_FUZZ") == "deep"
EXAMPLES = 1000 if DEEP else 40
STATEFUL_STEPS = 20000 if DEEP else 4000
SEED = 20230915

CONFIG = make_config(clients=200, validate_responses=False)
SIMULATION = generated(Clock.frozen(FROZEN_AT), seed=CONFIG.seed, size=CONFIG.clients, nodes=CONFIG.nodes)
CHECKS = SchemathesisConfig.from_path(spec.CHECKS_CONFIG)
load_from_path(str(spec.HOOKS))


def in_process(app: Any, checks: SchemathesisConfig) -> Any:
    """The contract `app` serves, as schemathesis tests it in process: every check, the run's seed and budget.
    schemathesis reads the spec at import time, so the app under test is built at import, by the same factory
    as everywhere else; the state machines reset its simulation before every run."""
    tested = schemathesis.openapi.from_asgi("/api/v5/openapi.json", app, config=checks)
    tested.config.update(basic_auth=AUTH)
    tested.config.generation.update(max_examples=EXAMPLES, deterministic=False, database="none")
    tested.config.seed = SEED
    return tested


schema = in_process(create_app(CONFIG, SIMULATION), CHECKS)


@pytest.mark.slow  # seconds per operation: `make test` runs it, `make test-fast` leaves it out
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_keeps_the_contract(case: Any) -> None:
    case.call_and_validate()


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        SIMULATION.reset()


STATEFUL_SETTINGS = settings(
    max_examples=STATEFUL_STEPS // 10,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.mark.slow
def test_stateful_workflows_keep_the_contract() -> None:
    run_state_machine_as_test(Workflow, settings=STATEFUL_SETTINGS)


class KickThatKeepsTheClient(Simulation):
    """A planted bug: the kick answers 204 and changes nothing."""

    def kick(self, clientid: str) -> None:
        self.get_client(clientid)


@pytest.mark.slow
def test_the_stateful_budget_finds_a_kick_that_does_nothing() -> None:
    broken = KickThatKeepsTheClient(Clock.frozen(FROZEN_AT), SIMULATION.spec)
    broken_schema = in_process(create_app(CONFIG, broken), CHECKS)

    class BrokenWorkflow(broken_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            broken.reset()

    with pytest.raises(FailureGroup) as caught:
        run_state_machine_as_test(BrokenWorkflow, settings=STATEFUL_SETTINGS)
    assert any(isinstance(failure, UseAfterFree) for failure in caught.value.exceptions), caught.value.exceptions
