"""The direct route for the Clients API's reads and kicks, in front of the connexion app.

A request takes it only when the answer cannot differ from the full pipeline's: right path and method, valid
credentials, every query argument known, written canonically and valid against the contract, no body, no
`Origin` (CORS) or `Prefer` header and no fault rule in force. Everything else (every error a request can
cause, CORS, faults) goes through connexion untouched. The route calls the same functions as the connexion
handlers, records the journal the same way, and checks responses against the contract when asked to.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from connexion.json_schema import Draft4ResponseValidator
from connexion.spec import Specification
from jsonschema import ValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.api.clients import client_bytes, list_page
from simulator.auth import check_authorization
from simulator.config import Config
from simulator.domain.errors import DomainError
from simulator.errors import HttpError, error_body, from_domain
from simulator.journal import Entry
from simulator.middleware import error_message, query_of
from simulator.runtime import Runtime
from simulator.spec import CLIENTS_SPEC
from simulator.validation import ParameterValidator, validator

log = logging.getLogger("emqx_sim")
INTEGER = re.compile(r"0|-?[1-9][0-9]{0,18}")
TYPED: dict[str, Callable[[str], Any]] = {
    "integer": lambda text: int(text) if INTEGER.fullmatch(text) else None,
    "boolean": lambda text: {"true": True, "false": False}.get(text),
    "string": lambda text: text,
}
FALL_THROUGH = {b"origin", b"prefer", b"content-length", b"transfer-encoding", b"content-type"}
"""Headers that send a request through the full pipeline (CORS, `Prefer`, anything with a body)."""
Answer = tuple[int, bytes, dict[str, str], str]


class FastPath:
    """Answers the requests it can answer exactly as the app would, and hands every other one to `app`."""

    def __init__(self, app: ASGIApp, runtime: Runtime, config: Config, base_path: str) -> None:
        self.app = app
        self.runtime = runtime
        self.config = config
        self.collection = f"{base_path}/clients"
        document = Specification.load(CLIENTS_SPEC)
        listing = document["paths"]["/clients"]["get"]
        self.query = {param["name"]: param for param in listing["parameters"] if param["in"] == "query"}
        self.clientid = document["paths"]["/clients/{clientid}"]["parameters"][0]
        page_schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
        self.meta_schema = page_schema["properties"]["meta"]
        self.client_schema = document["paths"]["/clients/{clientid}"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
        if config.validate_responses:
            runtime.renderer.check = self._check_client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            started, at = time.perf_counter(), self.runtime.simulation.clock.now_ms()
            answer = self._answer(scope)
            if answer is not None:
                status, body, headers, operation = answer
                if status == 204:
                    response = Response(status_code=204, headers=headers)
                else:
                    response = Response(body, status, headers, media_type="application/json")
                await response(scope, receive, send)
                self.runtime.journal.record(
                    Entry(
                        time_ms=at,
                        method=scope["method"],
                        path=scope["path"],
                        query=query_of(scope),
                        operation_id=operation,
                        status=status,
                        latency_ms=round((time.perf_counter() - started) * 1000, 3),
                        error=None if status < 400 else error_message(body),
                    )
                )
                return
        await self.app(scope, receive, send)

    def test_client(self, **options: Any) -> Any:
        """A starlette test client of the whole app (needs the test dependencies)."""
        from starlette.testclient import TestClient

        return TestClient(self, **options)

    def _answer(self, scope: Scope) -> Answer | None:
        """The status, body, headers and operationId of the answer, or None to leave the request to the app."""
        method, path = scope["method"], scope["path"]
        if path == self.collection:
            operation, clientid = ("listClients" if method == "GET" else ""), None
        elif path.startswith(self.collection + "/"):
            clientid = path[len(self.collection) + 1 :]
            operation = {"GET": "getClient", "DELETE": "kickClient"}.get(method, "")
            if "/" in clientid:
                return None
        else:
            return None
        if not operation or not self.runtime.faults.idle:
            return None
        authorization = None
        for name, value in scope["headers"]:
            if name in FALL_THROUGH:
                return None
            if name == b"authorization":
                authorization = value.decode("latin-1")
        try:
            check_authorization(authorization, self.config.app_id, self.config.app_secret)
            arguments = self._arguments(scope["query_string"].decode("latin-1"), operation == "listClients")
            if arguments is None:
                return None
            if clientid is not None:
                ParameterValidator.check(self.clientid, clientid)
        except (HttpError, DomainError):
            return None
        try:
            return self._call(operation, arguments, clientid)
        except DomainError as error:
            refused = from_domain(error)
            return refused.status_code, error_body(refused.code, refused.message), refused.headers, operation
        except ValidationError as error:
            log.error("%s %s: the response breaks the contract: %s", method, path, error.message)
            return 500, error_body("INTERNAL_ERROR", "Internal error"), {}, operation

    def _arguments(self, query: str, listing: bool) -> dict[str, Any] | None:
        """The typed query arguments when every one is known, canonical and valid; None otherwise."""
        if not query:
            return {}
        if not listing:
            return None
        arguments: dict[str, Any] = {}
        for name, text in parse_qsl(query, keep_blank_values=True):
            param = self.query.get(name)
            if param is None or name in arguments or not text:
                return None
            value = TYPED[param["schema"].get("type", "string")](text)
            if value is None:
                return None
            ParameterValidator.check(param, value)
            arguments[name] = value
        return arguments

    def _call(self, operation: str, arguments: dict[str, Any], clientid: str | None) -> Answer:
        runtime = self.runtime
        if operation == "listClients":
            body = list_page(runtime, arguments)
            if self.config.validate_responses:
                validator(self.meta_schema, Draft4ResponseValidator).validate(_meta(body))
            return 200, body, {}, operation
        assert clientid is not None
        if operation == "getClient":
            return 200, client_bytes(runtime, clientid), {}, operation
        runtime.simulation.kick(clientid)
        return 204, b"", {}, operation

    def _check_client(self, view: dict[str, Any]) -> None:
        validator(self.client_schema, Draft4ResponseValidator).validate(view)


def _meta(body: bytes) -> Any:
    """The `meta` object of a rendered page."""
    head = body[: body.index(b',"data":')] + b"}"
    return orjson.loads(head)["meta"]
