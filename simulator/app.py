"""Composition root: from one `Config`, the deployment, the operation table and the pipeline that serves them."""

from __future__ import annotations

from connexion.json_schema import Draft4ResponseValidator
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.resolver import RelativeResolver
from starlette.middleware.cors import CORSMiddleware

from simulator import spec
from simulator.auth import Credentials
from simulator.cache import ByteCache
from simulator.config import Config
from simulator.deployment import Deployment
from simulator.domain.population import Progress
from simulator.pipeline import Pipeline, Settings, not_found
from simulator.service import Simulation
from simulator.table import Api, Table
from simulator.validation import Check

BASE_PATH = "/api/v5"
CLIENTS = Api("clients", BASE_PATH, emulated=True)
CONTROL = Api("control", f"{BASE_PATH}/_sim", emulated=False)
APIS = (
    (CONTROL, spec.CONTROL_SPEC, "simulator.control.handlers"),
    (CLIENTS, spec.CLIENTS_SPEC, "simulator.api.clients"),
)
"""The control API first: its base path lies inside the emulated API's, and Swagger UI's router takes the first."""


def create_app(config: Config, simulation: Simulation | None = None, progress: Progress | None = None) -> Pipeline:
    """The simulator as an ASGI app: the Clients API under /api/v5 (Swagger UI at /api/v5/ui/) and the control
    API under /api/v5/_sim. `simulation` replaces the one `config` describes (for tests); `progress` is told how
    building the population goes. Raises `ScenarioError` for a scenario that cannot be used."""
    table = Table()
    docs = SwaggerUIMiddleware(not_found)
    for api, path, handlers in APIS:
        specification = spec.specification(path)
        table.add_api(api, specification, RelativeResolver(handlers), strict=not config.lenient)
        docs.add_api(specification, base_path=api.base_path)
    cache = ByteCache()
    if config.validate_responses:
        meta = table.find("listClients").responses[200].schema["properties"]["meta"]
        client = table.find("getClient").responses[200]
        cache = ByteCache(client.full.validate, Check(meta, Draft4ResponseValidator).full.validate)
    deployment = Deployment.start(config, cache, simulation, progress)
    settings = Settings(Credentials(config.app_id, config.app_secret), config.max_body_bytes, config.validate_responses)
    cors = CORSMiddleware(
        app=not_found,
        allow_origins=list(config.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["WWW-Authenticate"],
        max_age=600,
    )
    return Pipeline(table, deployment, settings, cors, docs)
