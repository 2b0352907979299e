"""Answers as the pipeline sends them over ASGI: JSON bytes, EMQX error bodies, and the lifespan handshake."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.types import Receive, Send

from simulator.error_codes import HttpError, error_body

JSON_HEADERS = ((b"content-type", b"application/json"),)
Extra = tuple[tuple[bytes, bytes], ...]
VARY: Extra = ((b"vary", b"Origin"),)
"""On every answer: it depends on the request's `Origin` (CORS). With an `Origin`, CORS itself adds it."""


def render(body: Any) -> bytes:
    """JSON bytes of a body: orjson's, or the standard library's for what orjson refuses (integers past 64 bits,
    lone surrogates a client sent, which come back escaped)."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body).encode("ascii")


async def respond(send: Send, status: int, payload: bytes | None, extra: Extra) -> None:
    if payload is None:
        await send({"type": "http.response.start", "status": status, "headers": list(extra)})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-length", str(len(payload)).encode("latin-1")), *JSON_HEADERS, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def respond_error(send: Send, error: HttpError, extra: Extra) -> None:
    payload = error_body(error.code, error.message)
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in error.headers.items()]
    headers += [(b"content-length", str(len(payload)).encode("latin-1")), *JSON_HEADERS, *extra]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
