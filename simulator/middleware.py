"""ASGI middleware: the runtime in each request's state, the body-size limit, faults and the journal."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.errors import HttpError, bad_request
from simulator.faults import Decision, Faults, from_prefer
from simulator.journal import Entry
from simulator.routes import Routes
from simulator.runtime import Runtime


class RuntimeState:
    """Puts the runtime in `scope["state"]`, where handlers find it."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["runtime"] = self.runtime
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuses bodies over `max_bytes` with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise bad_request("Content-Length is not a number")
            if int(declared) > self.max_bytes:
                raise self._too_large()
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._too_large()
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> HttpError:
        return HttpError(413, "PAYLOAD_TOO_LARGE", f"Request body is over {self.max_bytes} bytes")


class FaultInjection:
    """Delays or fails requests to the emulated API, by fault rule or by the request's `Prefer` header.

    Runs after routing and credentials, before validation and the handler: a failed request changes nothing.
    """

    def __init__(self, app: ASGIApp, faults: Faults, routes: Routes) -> None:
        self.app = app
        self.faults = faults
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation = self.routes.operation(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if operation is not None:
            ruled = self.faults.decide(operation)
            preferred = from_prefer(Headers(scope=scope).get("prefer"))
            decision = Decision(ruled.delay_ms + preferred.delay_ms, preferred.error or ruled.error)
            if decision.delay_ms > 0:
                await asyncio.sleep(decision.delay_ms / 1000)
            if decision.error is not None:
                raise decision.error
        await self.app(scope, receive, send)


class JournalRecorder:
    """Records every request to the emulated API (not the control API, docs or spec) in the journal."""

    def __init__(self, app: ASGIApp, runtime: Runtime, routes: Routes, base_path: str, skip: tuple[str, ...]) -> None:
        self.app = app
        self.runtime = runtime
        self.routes = routes
        self.base_path = base_path
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.base_path) or path.startswith(self.skip):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at = self.runtime.simulation.clock.now_ms()
        answer: dict[str, Any] = {"status": 500, "body": b""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body" and answer["status"] >= 400:
                answer["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            operation = self.routes.operation(scope["method"], path)
            self.runtime.journal.record(journal_entry(scope, at, started, operation, answer["status"], answer["body"]))


def journal_entry(scope: Scope, at_ms: int, started: float, operation: str | None, status: int, body: bytes) -> Entry:
    """The journal's record of a request received at `at_ms` (simulated) and `started` (perf_counter)."""
    return Entry(
        time_ms=at_ms,
        method=scope["method"],
        path=scope["path"],
        query=query_of(scope),
        operation_id=operation,
        status=status,
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
        error=error_message(body) if status >= 400 else None,
    )


def query_of(scope: Scope) -> dict[str, list[str]]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return {key: values for key, values in parse_qs(raw, keep_blank_values=True).items()}


def error_message(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:500] or None
    return str(data.get("message")) if isinstance(data, dict) and "message" in data else None
