"""A raw ASGI driver: sends corpus requests to the app as uvicorn would, and collects the answers."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from simulator.app import create_app
from tests.conftest import make_config
from tests.replay.corpus import HOST, Request, Sequence

LATENCY = re.compile(rb'"latency_ms":\s*-?[0-9][0-9.eE+-]*')
"""Journal latencies are measured; every one is recorded as 0."""
DROPPED = {"date", "server"}
CHUNKS = 3
"""A chunked body is delivered in this many `http.request` messages."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def wire_headers(request: Request) -> list[tuple[bytes, bytes]]:
    """The request's headers as they reach the app: lowercased names, in the order sent, with the defaults."""
    given = [(name.lower(), value) for name, value in request.headers]
    names = {name for name, _ in given}
    headers = [(b"host", HOST)]
    if request.auth is not None and b"authorization" not in names:
        headers.append((b"authorization", request.auth))
    headers += given
    if request.body is not None and not names & {b"content-length", b"transfer-encoding"}:
        headers.append(
            (b"transfer-encoding", b"chunked") if request.chunked else (b"content-length", b"%d" % len(request.body))
        )
    return headers


def scope_of(request: Request, state: dict[str, Any]) -> dict[str, Any]:
    """The http scope uvicorn builds for this request (path percent-decoded, raw path and query as sent)."""
    raw_path, _, query = request.target.encode("ascii").partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 18083),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": request.method,
        "root_path": "",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query,
        "headers": wire_headers(request),
        "state": state.copy(),
    }


def body_messages(request: Request) -> list[dict[str, Any]]:
    body = request.body or b""
    if not request.chunked:
        return [{"type": "http.request", "body": body, "more_body": False}]
    size = -(-len(body) // CHUNKS) or 1
    parts = [body[start : start + size] for start in range(0, len(body), size)]
    return [{"type": "http.request", "body": part, "more_body": True} for part in parts] + [
        {"type": "http.request", "body": b"", "more_body": False}
    ]


async def send_one(app: Any, request: Request, state: dict[str, Any]) -> Answer:
    """The app's answer to one request; a request that makes the app raise is a 500 naming the exception."""
    pending = body_messages(request)
    answered = asyncio.Event()
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    try:
        await app(scope_of(request, state), receive, send)
    except Exception as error:
        return Answer(500, (), f"<raised {type(error).__name__}>".encode())
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in started.get("headers", [])]
    return normalized(started.get("status", 500), headers, b"".join(chunks))


def normalized(status: int, headers: list[tuple[str, str]], body: bytes) -> Answer:
    """The answer without what changes from run to run: latencies (and so the length) and date/server."""
    kept = [(name, value) for name, value in headers if name.lower() not in DROPPED]
    steady = LATENCY.sub(b'"latency_ms":0', body)
    if steady != body:
        kept = [(name, str(len(steady)) if name.lower() == "content-length" else value) for name, value in kept]
    return Answer(status, tuple(kept), steady)


async def _run(app: Any, requests: tuple[Request, ...]) -> list[Answer]:
    """Lifespan startup, every request in order, lifespan shutdown, as uvicorn's `lifespan="auto"` does (an app
    that fails its lifespan is served all the same)."""
    state: dict[str, Any] = {}
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await events.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
    lifespan = asyncio.create_task(app(scope, events.get, replies.put))
    started = asyncio.create_task(replies.get())
    await asyncio.wait({lifespan, started}, return_when=asyncio.FIRST_COMPLETED)
    started.cancel()
    answers = [await send_one(app, request, state) for request in requests]
    if not lifespan.done():
        await events.put({"type": "lifespan.shutdown"})
    await asyncio.gather(lifespan, return_exceptions=True)
    return answers


def run(sequence: Sequence) -> list[Answer]:
    """Every request of `sequence`, in order, against a fresh app built with the sequence's config overrides."""
    app = create_app(make_config(**sequence.overrides))
    return asyncio.run(_run(app, sequence.requests))
