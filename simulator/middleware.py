"""ASGI middleware of the emulated API: the simulation in each request's state, and the body-size limit."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.errors import HttpError, bad_request
from simulator.service import Simulation


class SimulationState:
    """Puts the simulation in `scope["state"]`, where handlers find it."""

    def __init__(self, app: ASGIApp, simulation: Simulation) -> None:
        self.app = app
        self.simulation = simulation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["simulation"] = self.simulation
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
