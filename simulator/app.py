"""Composition root: from one `Config`, the deployment, the operation table and the pipeline that serves them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connexion.json_schema import Draft4ResponseValidator
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.resolver import RelativeResolver
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator import spec, views
from simulator.auth import Credentials
from simulator.cache import ByteCache
from simulator.config import Config
from simulator.deployment import Deployment
from simulator.deployments import Deployments, Limits
from simulator.domain.client import Client
from simulator.domain.population import Progress
from simulator.panel import panel
from simulator.pipeline import Pipeline, Settings, not_found
from simulator.service import Simulation
from simulator.table import Api, Table
from simulator.tokens import Logins
from simulator.validation import Check

BASE_PATH = "/api/v5"
CLIENTS = Api("clients", BASE_PATH, emulated=True)
CONTROL = Api("control", f"{BASE_PATH}/_sim", emulated=False)


@dataclass(frozen=True, slots=True)
class Dialect:
    """One emulated API: its contract, its handlers, how it shows a client, and whether it is lenient as EMQX is
    (unknown query parameters ignored, the last of a repeated one kept)."""

    spec: Path
    handlers: str
    view: Callable[[Client, int], dict[str, Any]]
    lenient: bool


DIALECTS = {
    "cloud": Dialect(spec.CLIENTS_SPEC, "simulator.api.clients", views.client_view, lenient=False),
    "emqx5": Dialect(spec.EMQX5_SPEC, "simulator.api.emqx5", views.emqx5_client_view, lenient=True),
}


def create_app(config: Config, simulation: Simulation | None = None, progress: Progress | None = None) -> Pipeline:
    """The simulator as an ASGI app: the Clients API under /api/v5 (Swagger UI at /api/v5/ui/), the control
    API under /api/v5/_sim, and the control panel at /api/v5/_sim/panel/. `simulation` replaces the one `config`
    describes (for tests); `progress` is told how building the population goes. Raises `ScenarioError` for a
    scenario that cannot be used."""
    outside = not_found if config.static_dir is None else _static(config.static_dir)
    docs = SwaggerUIMiddleware(panel(f"{CONTROL.base_path}/panel", outside))
    tables = Tables(config.lenient)
    for api, path in ((CONTROL, spec.CONTROL_SPEC), (CLIENTS, DIALECTS[config.dialect].spec)):
        docs.add_api(spec.specification(path), base_path=api.base_path)
    logins = Logins(config.dashboard_user, config.dashboard_password)

    def build(config: Config, simulation: Simulation | None = None, progress: Progress | None = None) -> Deployment:
        return Deployment.start(config, tables.cache(config), simulation, progress, logins)

    limits = Limits(config.max_deployments, config.deployment_client_budget, config.deployment_ttl_s)
    credentials = Credentials(config.app_id, config.app_secret, logins)
    default = build(config, simulation, progress)
    deployments = Deployments(default, config, credentials, logins, build, limits, state_file=config.state_file)
    settings = Settings(config.max_body_bytes, config.validate_responses)
    cors = CORSMiddleware(
        app=not_found,
        allow_origins=list(config.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["WWW-Authenticate"],
        max_age=600,
    )
    return Pipeline(tables, deployments, settings, cors, docs)


class Tables:
    """The operation table of each dialect (the control API and that dialect's emulated API), built when first
    asked for, and the byte cache of a deployment of a dialect."""

    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient
        self._tables: dict[str, Table] = {}

    def __call__(self, dialect: str) -> Table:
        table = self._tables.get(dialect)
        if table is None:
            table = self._tables[dialect] = self._build(DIALECTS[dialect])
        return table

    def cache(self, config: Config) -> ByteCache:
        """An empty byte cache for a deployment of `config`, checking what it keeps when responses are checked."""
        dialect = DIALECTS[config.dialect]
        if not config.validate_responses:
            return ByteCache(None, None, dialect.view)
        table = self(config.dialect)
        meta = table.find("listClients").responses[200].schema["properties"]["meta"]
        client_check = table.find("getClient").responses[200].full.validate
        return ByteCache(client_check, Check(meta, Draft4ResponseValidator).full.validate, dialect.view)

    def _build(self, dialect: Dialect) -> Table:
        table = Table()
        # The control API first: its base path lies inside the emulated API's.
        for api, path, handlers, lenient in (
            (CONTROL, spec.CONTROL_SPEC, "simulator.control.handlers", self.lenient),
            (CLIENTS, dialect.spec, dialect.handlers, self.lenient or dialect.lenient),
        ):
            table.add_api(api, spec.specification(path), RelativeResolver(handlers), strict=not lenient)
        return table


def _static(directory: Path) -> ASGIApp:
    """The files of `directory` (a built frontend, `index.html` for a folder) at every path outside the APIs."""
    files = StaticFiles(directory=directory, html=True)

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == BASE_PATH or scope["path"].startswith(BASE_PATH + "/"):
            await not_found(scope, receive, send)
        await files(scope, receive, send)

    return serve
