"""Shared fixtures: apps built by a factory with a fixed seed and a frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from simulator.app import create_app
from simulator.config import Config
from simulator.domain.clock import parse_instant

pytest_plugins = ("pytester",)
"""`pytester` runs the pytest plugin's own tests in fresh pytest sessions."""

FROZEN_AT = parse_instant("2023-09-15T09:36:20Z")
AUTH = ("app_id", "app_secret")
API = "/api/v5"


def make_config(**overrides: Any) -> Config:
    base = Config(seed=7, clients=300, nodes=3, frozen_at_ms=FROZEN_AT, validate_responses=True)
    return replace(base, **overrides)


@pytest.fixture
def make_client() -> Callable[..., Any]:
    def build(**overrides: Any) -> Any:
        return create_app(make_config(**overrides)).test_client()

    return build


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()
