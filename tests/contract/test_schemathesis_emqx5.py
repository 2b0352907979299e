"""Schemathesis fuzzes the simulator's EMQX 5 dialect in process against `openapi/emqx5.yaml`, every check on."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig
from schemathesis.core.hooks import load_from_path

from simulator import spec
from simulator.app import create_app
from simulator.domain.clock import Clock
from tests.conftest import FROZEN_AT, make_config
from tests.contract.test_schemathesis import STATEFUL_SETTINGS, in_process
from tests.support.simulation import generated

CONFIG = make_config(clients=200, validate_responses=False, dialect="emqx5")
SIMULATION = generated(Clock.frozen(FROZEN_AT), seed=CONFIG.seed, size=CONFIG.clients, nodes=CONFIG.nodes)
APP = create_app(CONFIG, SIMULATION)
load_from_path(str(spec.EMQX5_HOOKS))
schema = in_process(APP, SchemathesisConfig.from_path(spec.EMQX5_CHECKS_CONFIG))


@pytest.mark.slow  # seconds per operation: `make test` runs it, `make test-fast` leaves it out
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_keeps_the_contract(case: Any) -> None:
    case.call_and_validate()


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        SIMULATION.reset()
        assert APP.deployment.logins is not None
        APP.deployment.logins.reset()


@pytest.mark.slow
def test_stateful_workflows_keep_the_contract() -> None:
    run_state_machine_as_test(Workflow, settings=STATEFUL_SETTINGS)
