"""The one request pipeline of the emulated API and the control API.

Every request takes these stages, in this order, each built once at start from the contracts:

1. journal: every request to the emulated API is recorded once answered, with its operationId and latency
   (except the control panel's, marked with `X-Emqx-Sim-Panel`, which fault rules pass over too).
2. CORS: a preflight is answered for any path (starlette's `CORSMiddleware` decides); other requests with an
   `Origin` get the allowed-origin headers on whatever they are answered.
3. route: the operation table. A path of neither API, nor of Swagger UI and the specs (served by connexion),
   is 404 `NOT_FOUND`; a method the path does not declare is 405 `METHOD_NOT_ALLOWED` with `Allow`.
4. credentials: HTTP Basic with an App ID and App Secret, or a dashboard login's bearer token (401). They also
   choose the deployment the request reaches (`deployments`): the default one, or an isolated one.
5. faults: fault rules and the `Prefer` header (emulated API only): the delay, then an injected error.
6. body size: a declared `Content-Length` over the limit (413) or not a number (400).
7. parameters: query and path parameters typed and checked against the contract (400).
8. body: the media type (415), the body read up to the limit (413, chunked or not), decoded and checked (400).
9. handler: the operation's function, resolved from its operationId, called with the deployment and the
   arguments; the domain's errors become EMQX errors through `error_codes`.
10. rendering: JSON bytes (bytes from the byte cache pass through as they are).
11. response check (`--validate-responses`): the body against the contract; a mismatch is logged and answered
    500 `INTERNAL_ERROR`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator import body as bodies
from simulator.deployment import Deployment
from simulator.deployments import Deployments, Member
from simulator.domain.errors import DomainError
from simulator.error_codes import (
    BAD_REQUEST,
    INTERNAL_ERROR,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    HttpError,
    for_status,
    from_domain,
)
from simulator.faults import from_prefer
from simulator.journal import Entry
from simulator.reply import Reply
from simulator.responses import VARY, Extra, lifespan, render, respond, respond_error
from simulator.table import Operation, Table

log = logging.getLogger("emqx_sim")
PANEL = b"x-emqx-sim-panel"
"""The header the control panel marks its requests with: they stay out of the journal and of fault rules."""
DOCS = ("/ui", "/openapi.json", "/openapi.yaml")
"""Paths, under each API's base, that connexion serves: Swagger UI and the spec."""
READ_HEADERS = frozenset(
    (*b"authorization content-type content-length content-encoding origin prefer access-control-request-method".split(),
     PANEL)
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Settings:
    max_body_bytes: int
    validate_responses: bool


class Pipeline:
    """The simulator as an ASGI app: every request to either API, through the stages above, in order."""

    def __init__(
        self,
        tables: Callable[[str], Table],
        deployments: Deployments,
        settings: Settings,
        cors: CORSMiddleware,
        docs: ASGIApp,
    ) -> None:
        self.tables = tables
        """The operation table of a dialect: the control API and that dialect's emulated API."""
        self.deployments = deployments
        self.settings = settings
        self.cors = cors
        self.docs = docs

    @property
    def deployment(self) -> Deployment:
        """The default deployment: the one the command line describes."""
        return self.deployments.default.deployment

    @property
    def table(self) -> Table:
        """The default deployment's operation table."""
        return self.tables(self.deployments.default.config.dialect)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        headers = _read_headers(scope["headers"])
        member = self.deployments.resolve(headers.get(b"authorization"))
        deployment = member.deployment
        at = deployment.simulation.clock.now_ms()
        if deployment.durable is not None:
            send = deployment.durable.guard(send)
        raw_path = scope.get("raw_path")
        route = self.tables(member.config.dialect).route(raw_path.decode("latin-1") if raw_path else scope["path"])
        api = route.api
        journaled = (
            api is not None
            and api.emulated
            and PANEL not in headers
            and not scope["path"][len(api.base_path) :].startswith(DOCS)
        )
        origin = headers.get(b"origin")
        extra = VARY if origin is None else ()
        if origin is not None:
            request_headers = Headers(scope=scope)
            if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
                status, message = await self._preflight(scope, receive, send, request_headers)
                if journaled:
                    self._journal(deployment, scope, at, started, None, status, message)
                return
            send = functools.partial(self.cors.send, send=send, request_headers=request_headers)
        operation = route.operations.get(scope["method"])
        if operation is None and scope["method"] == "HEAD":
            operation = route.operations.get("GET")
        status, message = 500, None
        try:
            if operation is None:
                if route.operations:
                    allowed = ", ".join(route.operations)
                    raise METHOD_NOT_ALLOWED.error("Method not allowed", {"Allow": allowed})
                await self._docs(scope, receive, send)
                status = 200
                return
            status = await self._answer(member, operation, route.values, headers, scope, receive, send, extra)
        except HttpError as error:
            status, message = error.status_code, error.message
            await respond_error(send, error, extra)
        except Exception:
            log.exception("%s %s crashed", scope["method"], scope["path"])
            status, message = 500, "Internal error"
            await respond_error(send, INTERNAL_ERROR.error(message), extra)
        finally:
            if journaled:
                self._journal(deployment, scope, at, started, operation, status, message)

    def test_client(self, **options: Any) -> Any:
        """A starlette test client of the app (needs the test dependencies)."""
        from starlette.testclient import TestClient

        return TestClient(self, **options)

    async def _answer(
        self,
        member: Member,
        operation: Operation,
        values: Mapping[str, str],
        headers: Mapping[bytes, bytes],
        scope: Scope,
        receive: Receive,
        send: Send,
        extra: Extra,
    ) -> int:
        """Stages 4 to 11 for a request to `operation`; its status. Raises `HttpError` for a refusal."""
        settings = self.settings
        deployment = member.deployment
        member.credentials.check(headers.get(b"authorization"), operation.security)
        if operation.api.emulated and PANEL not in headers:
            await self._faults(deployment, operation, headers.get(b"prefer"))
        bodies.check_declared_length(headers.get(b"content-length"), settings.max_body_bytes)
        try:
            arguments = operation.parameters.parse(scope["query_string"].decode("latin-1"), values)
            schema = operation.body
            if schema is not None:
                content_type = headers.get(b"content-type")
                if content_type is not None:
                    bodies.check_media_type(content_type, schema.media_types)
                bodies.check_coding(headers.get(b"content-encoding"))
                raw = await bodies.read(receive, settings.max_body_bytes)
                if not raw:
                    if schema.required:
                        raise BAD_REQUEST.error("Request body is required")
                else:
                    bodies.check_media_type(content_type, schema.media_types)
                    body = bodies.parse_json(raw)
                    schema.validate(body)
                    arguments["body"] = body
            reply = operation.handler(deployment, **arguments)
            if inspect.isawaitable(reply):
                reply = await reply
        except DomainError as error:
            raise from_domain(error) from None
        except bodies.ClientGone:
            return 499
        payload = reply.raw
        if payload is None and reply.body is not None:
            if settings.validate_responses:
                self._check_response(operation, reply)
            payload = render(reply.body)
        await respond(send, reply.status, payload, extra)
        return reply.status

    async def _faults(self, deployment: Deployment, operation: Operation, prefer: bytes | None) -> None:
        """Stage 5: what fault rules and the `Prefer` header do to a request to the emulated API."""
        faults = deployment.faults
        ruled = None if faults.idle else faults.decide(operation.operation_id)
        preferred = None if prefer is None else from_prefer(prefer.decode("latin-1"))
        delay = (ruled.delay_ms if ruled else 0) + (preferred.delay_ms if preferred else 0)
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        error = (preferred.error if preferred else None) or (ruled.error if ruled else None)
        if error is not None:
            raise error

    def _check_response(self, operation: Operation, reply: Reply) -> None:
        check = operation.responses.get(reply.status)
        if check is None:
            return
        try:
            check.full.validate(reply.body)
        except ValidationError as error:
            log.error("%s: the response breaks the contract: %s", operation.operation_id, error.message)
            raise INTERNAL_ERROR.error("Internal error") from None

    async def _preflight(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> tuple[int, str | None]:
        """A CORS preflight, answered as starlette's `CORSMiddleware` decides; a refusal gets an EMQX body."""
        response = self.cors.preflight_response(request_headers=headers)
        if response.status_code == 200:
            await response(scope, receive, send)
            return 200, None
        message = bytes(response.body).decode("utf-8", "replace")
        kept = {
            name: value for name, value in response.headers.items() if name not in ("content-length", "content-type")
        }
        await respond_error(send, for_status(response.status_code).error(message, kept), ())
        return response.status_code, message

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Swagger UI and the specs, served by connexion; any other path is 404."""
        scope["app"] = self  # starlette's routers then raise a 405 rather than answer it in plain text
        if b"origin" not in dict(scope["headers"]):
            send = functools.partial(self.cors.send, send=send, request_headers=Headers(scope=scope))
        try:
            await self.docs(scope, receive, send)
        except HTTPException as error:
            headers = dict(error.headers or {})
            raise for_status(error.status_code).error(str(error.detail), headers) from None

    @staticmethod
    def _journal(
        deployment: Deployment,
        scope: Scope,
        at: int,
        started: float,
        operation: Operation | None,
        status: int,
        error: str | None,
    ) -> None:
        deployment.journal.record(
            Entry(
                time_ms=at,
                method=scope["method"],
                path=scope["path"],
                query_string=scope["query_string"].decode("latin-1"),
                operation_id=None if operation is None else operation.operation_id,
                status=status,
                latency_ms=round((time.perf_counter() - started) * 1000, 3),
                error=error,
                seen_at_ms=deployment.simulation.take_seen_at(),
            )
        )


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """What the docs' router falls back to: a path nothing serves."""
    raise NOT_FOUND.error("Not found")


def _read_headers(raw: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """The request headers the stages read. A header given twice is one value joined with ", " (RFC 9110), as
    EMQX's HTTP server reads it: two `Authorization` headers are then no valid credentials."""
    found: dict[bytes, bytes] = {}
    for name, value in raw:
        if name in READ_HEADERS:
            found[name] = found[name] + b", " + value if name in found else value
    return found
