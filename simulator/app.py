"""Composition root: the connexion app of the emulated API, its error handlers and middleware."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import (
    ExtraParameterProblem,
    ProblemException,
    UnsupportedMediaTypeProblem,
)
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import RelativeResolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from simulator import spec
from simulator.auth import basic_handler
from simulator.config import Config
from simulator.domain.clock import Clock
from simulator.domain.errors import DomainError
from simulator.errors import HttpError, error_body, from_domain
from simulator.middleware import BodyLimit, SimulationState
from simulator.service import Simulation
from simulator.validation import JsonBodyValidator, ParameterValidator

BASE_PATH = "/api/v5"
log = logging.getLogger("emqx_sim")


def make_simulation(config: Config) -> Simulation:
    clock = Clock(time.time) if config.frozen_at_ms is None else Clock.frozen(config.frozen_at_ms)
    return Simulation.generated(clock, seed=config.seed, size=config.clients, nodes=config.nodes)


def create_app(config: Config, simulation: Simulation | None = None) -> AsyncApp:
    """The simulator as an ASGI app: the Clients API under /api/v5, Swagger UI at /api/v5/ui/."""
    simulation = simulation or make_simulation(config)
    app = AsyncApp(__name__)
    app.add_api(
        spec.CLIENTS_SPEC,
        resolver=RelativeResolver("simulator.api.clients"),
        strict_validation=not config.lenient,
        validate_responses=config.validate_responses,
        validator_map={"parameter": ParameterValidator, "body": MediaTypeDict({"*/*json": JsonBodyValidator})},
        security_map={"basic": basic_handler(config.app_id, config.app_secret)},
    )
    allowed = _allowed_methods(spec.load())
    app.add_middleware(SimulationState, position=MiddlewarePosition.BEFORE_ROUTING, simulation=simulation)
    app.add_middleware(BodyLimit, position=MiddlewarePosition.BEFORE_VALIDATION, max_bytes=config.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(config.cors_origins),
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
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
        if error.status_code == 405:
            methods = allowed(request.url.path)
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
    return app


def _respond(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status, mimetype="application/json", body=error_body(code, message), headers=headers or {}
    )


def _allowed_methods(document: dict[str, Any]) -> Callable[[str], list[str]]:
    """A function from a request path to the methods the spec declares for it (for 405's Allow)."""
    templates = [
        (re.compile("^" + BASE_PATH + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), methods)
        for path, methods in spec.path_methods(document).items()
    ]

    def allowed(path: str) -> list[str]:
        for pattern, methods in templates:
            if pattern.match(path):
                return methods
        return []

    return allowed
