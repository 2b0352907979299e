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
    dialect = DIALECTS[config.dialect]
    table = Table()
    outside = not_found if config.static_dir is None else _static(config.static_dir)
    docs = SwaggerUIMiddleware(panel(f"{CONTROL.base_path}/panel", outside))
    # The control API first: its base path lies inside the emulated API's, and Swagger UI's router takes the first.
    for api, path, handlers, lenient in (
        (CONTROL, spec.CONTROL_SPEC, "simulator.control.handlers", config.lenient),
        (CLIENTS, dialect.spec, dialect.handlers, config.lenient or dialect.lenient),
    ):
        specification = spec.specification(path)
        table.add_api(api, specification, RelativeResolver(handlers), strict=not lenient)
        docs.add_api(specification, base_path=api.base_path)
    client_check, meta_check = None, None
    if config.validate_responses:
        meta = table.find("listClients").responses[200].schema["properties"]["meta"]
        client_check = table.find("getClient").responses[200].full.validate
        meta_check = Check(meta, Draft4ResponseValidator).full.validate
    cache = ByteCache(client_check, meta_check, dialect.view)
    logins = Logins(config.dashboard_user, config.dashboard_password) if config.dialect == "emqx5" else None
    deployment = Deployment.start(config, cache, simulation, progress, logins)
    credentials = Credentials(config.app_id, config.app_secret, logins)
    settings = Settings(credentials, config.max_body_bytes, config.validate_responses)
    cors = CORSMiddleware(
        app=not_found,
        allow_origins=list(config.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["WWW-Authenticate"],
        max_age=600,
    )
    return Pipeline(table, deployment, settings, cors, docs)


def _static(directory: Path) -> ASGIApp:
    """The files of `directory` (a built frontend, `index.html` for a folder) at every path outside the APIs."""
    files = StaticFiles(directory=directory, html=True)

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == BASE_PATH or scope["path"].startswith(BASE_PATH + "/"):
            await not_found(scope, receive, send)
        await files(scope, receive, send)

    return serve
