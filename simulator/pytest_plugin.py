"""The pytest plugin: an `emqx_sim` fixture giving each test an isolated deployment of one in-process simulator.

Registered through the `pytest11` entry point, so installing emqx-sim is enough. Options: `--emqx-sim-seed`,
`--emqx-sim-dialect`; marker: `@pytest.mark.emqx_sim(scenario=..., clients=..., seed=..., nodes=..., churn=...,
clock=..., dialect=...)`. The simulator itself is imported when a test first asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from simulator.testing import Server, SimDeployment

MARKER = (
    "emqx_sim(scenario=None, clients=None, seed=None, nodes=None, churn=False, clock=None, dialect=None): "
    "how the test's emqx_sim deployment is made (scenario: a name, or a whole scenario as a mapping; clock: "
    "'real' or an RFC 3339 instant to freeze it at)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("emqx-sim", "emqx-sim: the EMQX Clients API simulator")
    group.addoption(
        "--emqx-sim-seed",
        type=int,
        default=None,
        help="seed of every emqx_sim deployment's population (default: the scenario's)",
    )
    group.addoption(
        "--emqx-sim-dialect",
        choices=("cloud", "emqx5"),
        default="cloud",
        help="the API every emqx_sim deployment answers: cloud (default) or emqx5",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


@pytest.fixture(scope="session")
def emqx_sim_server(pytestconfig: pytest.Config) -> Iterator[Server]:
    """One simulator for the test session (for each xdist worker), in this process, on 127.0.0.1 and a free
    port; stopped when the session ends."""
    from simulator.testing import Server

    server = Server.start(dialect=pytestconfig.getoption("emqx_sim_dialect"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emqx_sim(emqx_sim_server: Server, request: pytest.FixtureRequest) -> Iterator[SimDeployment]:
    """A fresh deployment of the session's simulator, apart from every other test's, removed after the test."""
    marker = request.node.get_closest_marker("emqx_sim")
    settings: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.emqx_sim takes keyword arguments only")
    settings.setdefault("seed", request.config.getoption("emqx_sim_seed"))
    settings.setdefault("dialect", request.config.getoption("emqx_sim_dialect"))
    deployment = emqx_sim_server.deploy(**settings)
    try:
        yield deployment
    finally:
        deployment.remove()
