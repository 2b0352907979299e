"""The direct route for the Clients API, in front of the connexion app.

A request takes it only when the answer cannot differ from the full pipeline's: right path and method, valid
credentials, every query argument known, written canonically and valid against the contract, no body (or, to
change subscriptions, a JSON body of at most 64 KiB, valid against the contract), no `Origin` (CORS) or
`Prefer` header and no fault rule in force. Everything else (every error a request can
cause, CORS, faults) goes through connexion untouched. The route calls the same functions as the connexion
handlers, records the journal the same way, and checks responses against the contract when asked to.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.spec import Specification
from jsonschema import ValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.api.clients import change_subscriptions, client_bytes, list_page
from simulator.auth import check_authorization
from simulator.config import Config
from simulator.domain.errors import DomainError
from simulator.errors import HttpError, error_body, from_domain
from simulator.middleware import journal_entry
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
"""Headers that send a request through the full pipeline (CORS, `Prefer`, a body where none is expected);
a subscription change must have `Content-Type: application/json` and a `Content-Length`."""
WITH_BODY = ("subscribe", "unsubscribe", "subscribe/bulk", "unsubscribe/bulk")
MAX_DIRECT_BODY = 64 * 1024
"""Longer bodies go through the full pipeline."""
Answer = tuple[int, bytes, dict[str, str]]
"""Status, body and headers of an answer."""


class FastPath:
    """Answers the requests it can answer exactly as the app would, and hands every other one to `app`."""

    def __init__(self, app: ASGIApp, runtime: Runtime, config: Config, base_path: str) -> None:
        self.app = app
        self.runtime = runtime
        self.config = config
        self.collection = f"{base_path}/clients"
        document = Specification.load(CLIENTS_SPEC)
        paths = document["paths"]
        listing = paths["/clients"]["get"]
        self.query = {param["name"]: param for param in listing["parameters"] if param["in"] == "query"}
        self.clientid = paths["/clients/{clientid}"]["parameters"][0]
        self.bodies: dict[str, tuple[str, dict[str, Any], dict[str, Any] | None]] = {}
        """Per subpath of a client: the operationId, the request body's schema, the 200 answer's schema."""
        for suffix in WITH_BODY:
            post = paths[f"/clients/{{clientid}}/{suffix}"]["post"]
            answer = post["responses"].get("200")
            self.bodies[suffix] = (post["operationId"], _json_schema(post["requestBody"]),
                                   None if answer is None else _json_schema(answer))  # fmt: skip
        self.max_body = min(MAX_DIRECT_BODY, config.max_body_bytes)
        if config.validate_responses:
            client_schema = _json_schema(paths["/clients/{clientid}"]["get"]["responses"]["200"])
            runtime.renderer.check_client = self._checker(client_schema)
            runtime.renderer.check_meta = self._checker(_json_schema(listing["responses"]["200"])["properties"]["meta"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope) if scope["type"] == "http" else None
        if route is not None:
            started, at = time.perf_counter(), self.runtime.simulation.clock.now_ms()
            operation, clientid, suffix = route
            if suffix is None:
                answer = self._answer(operation, clientid, scope["query_string"].decode("latin-1"))
            else:
                raw, messages = await _read(receive, self.max_body)
                answer = self._change(operation, clientid, suffix, raw) if raw is not None else None
                receive = _replay(messages, receive)
            if answer is not None:
                await self._send(answer, operation, scope, receive, send, started, at)
                return
        await self.app(scope, receive, send)

    def test_client(self, **options: Any) -> Any:
        """A starlette test client of the whole app (needs the test dependencies)."""
        from starlette.testclient import TestClient

        return TestClient(self, **options)

    def _route(self, scope: Scope) -> tuple[str, str | None, str | None] | None:
        """The operationId, clientid and subpath of a request this route may answer; None for any other."""
        method, path = scope["method"], scope["path"]
        suffix = None
        if path == self.collection:
            operation, clientid = ("listClients" if method == "GET" else ""), None
        elif path.startswith(self.collection + "/"):
            clientid, _, suffix = path[len(self.collection) + 1 :].partition("/")
            if not suffix:
                operation, suffix = {"GET": "getClient", "DELETE": "kickClient"}.get(method, ""), None
            elif suffix in self.bodies and method == "POST" and not scope["query_string"]:
                operation = self.bodies[suffix][0]
            else:
                return None
        else:
            return None
        if not operation or not self.runtime.faults.idle:
            return None
        authorization, declared, json_body = None, None, False
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif suffix is not None and name == b"content-length" and value.isdigit():
                declared = int(value)
            elif suffix is not None and name == b"content-type" and value == b"application/json":
                json_body = True
            elif name in FALL_THROUGH:
                return None
        if suffix is not None and (not json_body or declared is None or declared > self.max_body):
            return None
        try:
            check_authorization(authorization, self.config.app_id, self.config.app_secret)
            if clientid is not None:
                ParameterValidator.check(self.clientid, clientid)
        except (HttpError, DomainError):
            return None
        return operation, clientid, suffix

    def _answer(self, operation: str, clientid: str | None, query: str) -> Answer | None:
        """The answer to a read or a kick, or None to leave the request to the app."""
        try:
            arguments = self._arguments(query, operation == "listClients")
        except (HttpError, DomainError):
            return None
        if arguments is None:
            return None
        return self._call(operation, lambda: self._read_or_kick(operation, arguments, clientid))

    def _change(self, operation: str, clientid: str | None, suffix: str, raw: bytes) -> Answer | None:
        """The answer to a subscription change with a valid JSON body, or None to leave it to the app."""
        _, schema, answer_schema = self.bodies[suffix]
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if body is None or next(iter(validator(schema, Draft4RequestValidator).iter_errors(body)), None) is not None:
            return None
        assert clientid is not None

        def apply() -> tuple[int, bytes]:
            answered = change_subscriptions(self.runtime, operation, clientid, body)
            if answered is None:
                return 204, b""
            if self.config.validate_responses and answer_schema is not None:
                validator(answer_schema, Draft4ResponseValidator).validate(answered)
            return 200, orjson.dumps(answered)

        return self._call(operation, apply)

    def _call(self, operation: str, work: Callable[[], tuple[int, bytes]]) -> Answer:
        try:
            status, body = work()
            return status, body, {}
        except DomainError as error:
            refused = from_domain(error)
            return refused.status_code, error_body(refused.code, refused.message), refused.headers
        except ValidationError as error:
            log.error("%s: the response breaks the contract: %s", operation, error.message)
            return 500, error_body("INTERNAL_ERROR", "Internal error"), {}

    async def _send(
        self, answer: Answer, operation: str, scope: Scope, receive: Receive, send: Send, started: float, at: int
    ) -> None:
        status, body, headers = answer
        if status == 204:
            response = Response(status_code=204, headers=headers)
        else:
            response = Response(body, status, headers, media_type="application/json")
        await response(scope, receive, send)
        self.runtime.journal.record(journal_entry(scope, at, started, operation, status, body))

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

    def _read_or_kick(self, operation: str, arguments: dict[str, Any], clientid: str | None) -> tuple[int, bytes]:
        runtime = self.runtime
        if operation == "listClients":
            return 200, list_page(runtime, arguments)
        assert clientid is not None
        if operation == "getClient":
            return 200, client_bytes(runtime, clientid)
        runtime.simulation.kick(clientid)
        return 204, b""

    @staticmethod
    def _checker(schema: dict[str, Any]) -> Callable[[Any], None]:
        """A check of objects against `schema` as a response (raises `ValidationError`)."""
        return validator(schema, Draft4ResponseValidator).validate


def _json_schema(holder: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a request body or response."""
    schema: dict[str, Any] = holder["content"]["application/json"]["schema"]
    return schema


async def _read(receive: Receive, limit: int) -> tuple[bytes | None, list[Message]]:
    """The whole request body (None when it is longer than `limit` or the client went away), and the messages
    read, to be replayed to the app if it is to answer."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, messages
        size += len(message.get("body", b""))
        if size > limit:
            return None, messages
        if not message.get("more_body", False):
            return b"".join(m.get("body", b"") for m in messages), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive`, answering the messages already read first."""
    pending = list(reversed(messages))

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
