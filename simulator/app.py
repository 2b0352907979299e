"""Composition root: the connexion app of the emulated API and the control API, error handlers, middleware."""

from __future__ import annotations

import logging

from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ExtraParameterProblem, ProblemException, UnsupportedMediaTypeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import RelativeResolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from simulator import spec
from simulator.auth import basic_handler
from simulator.config import Config
from simulator.domain.errors import DomainError
from simulator.errors import HttpError, error_body, from_domain
from simulator.fastpath import FastPath
from simulator.faults import Faults
from simulator.journal import Journal
from simulator.middleware import BodyLimit, FaultInjection, JournalRecorder, RuntimeState
from simulator.routes import Routes
from simulator.runtime import Runtime
from simulator.scenarios import Catalog
from simulator.service import Simulation
from simulator.validation import JsonBodyValidator, ParameterValidator

BASE_PATH = "/api/v5"
CONTROL_PATH = f"{BASE_PATH}/_sim"
log = logging.getLogger("emqx_sim")


def create_app(config: Config, simulation: Simulation | None = None, runtime: Runtime | None = None) -> FastPath:
    """The simulator as an ASGI app: the Clients API under /api/v5 (Swagger UI at /api/v5/ui/) and the
    control API under /api/v5/_sim, behind the direct route for reads and kicks; `simulation` replaces the
    generated one (for tests)."""
    if simulation is not None:
        catalog = Catalog(config.scenario_dirs)
        scenario = catalog.find(config.scenario)
        runtime = Runtime(config, simulation, Faults(config.seed), Journal(config.journal_size), catalog, scenario)
    elif runtime is None:
        runtime = Runtime.start(config)
    app = AsyncApp(__name__)
    common = {
        "strict_validation": not config.lenient,
        "validate_responses": config.validate_responses,
        "validator_map": {"parameter": ParameterValidator, "body": MediaTypeDict({"*/*json": JsonBodyValidator})},
        "security_map": {"basic": basic_handler(config.app_id, config.app_secret)},
    }
    # Added in this order, connexion's routers reach the control API, whose base path lies inside the
    # emulated API's (the other order answers 404 for every control path).
    app.add_api(spec.CLIENTS_SPEC, resolver=RelativeResolver("simulator.api.clients"), **common)
    app.add_api(spec.CONTROL_SPEC, resolver=RelativeResolver("simulator.control.handlers"), **common)
    routes = Routes(spec.load(), BASE_PATH)
    control_routes = Routes(spec.load(spec.CONTROL_SPEC), CONTROL_PATH)
    skip = (CONTROL_PATH, f"{BASE_PATH}/ui", f"{BASE_PATH}/openapi.json")
    app.add_middleware(JournalRecorder, MiddlewarePosition.BEFORE_EXCEPTION, runtime=runtime, routes=routes,
                       base_path=BASE_PATH, skip=skip)  # fmt: skip
    app.add_middleware(RuntimeState, position=MiddlewarePosition.BEFORE_ROUTING, runtime=runtime)
    app.add_middleware(FaultInjection, MiddlewarePosition.BEFORE_VALIDATION, faults=runtime.faults, routes=routes)
    app.add_middleware(BodyLimit, position=MiddlewarePosition.BEFORE_VALIDATION, max_bytes=config.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(config.cors_origins),
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["WWW-Authenticate"],
        max_age=600,
    )

    def on_http_error(_request: ConnexionRequest, error: HttpError) -> ConnexionResponse:
        return _respond(error.status_code, error.code, error.message, error.headers)

    def on_domain_error(request: ConnexionRequest, error: DomainError) -> ConnexionResponse:
        return on_http_error(request, from_domain(error))

    def on_problem(_request: ConnexionRequest, problem: ProblemException) -> ConnexionResponse:
        detail = (str(problem.detail or problem.title or "").splitlines() or ["Bad Request"])[0]
        if isinstance(problem, UnsupportedMediaTypeProblem):
            return _respond(415, "UNSUPPORTED_MEDIA_TYPE", "content-type:application/json Required")
        if detail == "RequestBody is required":
            detail = "Request body is required"
        if isinstance(problem, ExtraParameterProblem) or 400 <= problem.status < 500:
            return _respond(problem.status, "BAD_REQUEST", detail)
        return _respond(500, "INTERNAL_ERROR", "Internal error")

    def on_starlette_http(request: ConnexionRequest, error: HTTPException) -> ConnexionResponse:
        path = request.url.path
        if error.status_code == 405:
            methods = (control_routes if path.startswith(CONTROL_PATH) else routes).allowed(path)
            return _respond(405, "METHOD_NOT_ALLOWED", "Method not allowed", {"Allow": ", ".join(methods)})
        if error.status_code == 404:
            return _respond(404, "NOT_FOUND", "Not found")
        code = "BAD_REQUEST" if 400 <= error.status_code < 500 else "INTERNAL_ERROR"
        return _respond(error.status_code, code, str(error.detail))

    def on_crash(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        log.error("%s %s crashed", request.method, request.url.path, exc_info=error)
        return _respond(500, "INTERNAL_ERROR", "Internal error")

    app.add_error_handler(HttpError, on_http_error)
    app.add_error_handler(DomainError, on_domain_error)
    app.add_error_handler(ProblemException, on_problem)
    app.add_error_handler(HTTPException, on_starlette_http)
    app.add_error_handler(Exception, on_crash)
    return FastPath(app, runtime, config, BASE_PATH)


def _respond(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status, mimetype="application/json", body=error_body(code, message), headers=headers or {}
    )
