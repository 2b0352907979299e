"""Request bodies as they arrive: the size limit (declared or streamed, chunked too), the media type, and JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.types import Receive

from simulator.error_codes import BAD_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, HttpError


class ClientGone(Exception):
    """The client went away before its body arrived whole."""


def too_large(limit: int) -> HttpError:
    return PAYLOAD_TOO_LARGE.error(f"Request body is over {limit} bytes")


def check_declared_length(content_length: bytes | None, limit: int) -> None:
    """Refuse a `Content-Length` that is not a number (400) or is over `limit` (413)."""
    if content_length is None:
        return
    text = content_length.strip()
    if not text.isdigit():
        raise BAD_REQUEST.error("Content-Length is not a number")
    if int(text) > limit:
        raise too_large(limit)


def check_media_type(content_type: bytes | None, accepted: tuple[str, ...]) -> None:
    """415 unless the media type (in any case, parameters aside) is one of `accepted`; a body without a
    `Content-Type` included."""
    kind = (content_type or b"").decode("latin-1").partition(";")[0].strip().lower()
    if kind not in accepted:
        raise UNSUPPORTED_MEDIA_TYPE.error("content-type:application/json Required")


def check_coding(content_encoding: bytes | None) -> None:
    """415 for a body in a content coding (RFC 9110, 15.5.16): none is decoded, as on EMQX."""
    if content_encoding is not None and content_encoding.strip().lower() not in (b"", b"identity"):
        coding = content_encoding.decode("latin-1")
        raise UNSUPPORTED_MEDIA_TYPE.error(f"content-encoding:{coding} is not supported; send the body as it is")


async def read(receive: Receive, limit: int) -> bytes:
    """The whole body, however it is sent; 413 as soon as it is over `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """The JSON value of a body; 400 for bytes that are not UTF-8 or not JSON. JSON is UTF-8 (RFC 8259): a
    `charset` parameter changes nothing, as on EMQX. `NaN`, `Infinity` and numbers too large for a double are
    not JSON either."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        raise BAD_REQUEST.error("Request body is not valid utf-8") from None
    except (ValueError, RecursionError):
        raise BAD_REQUEST.error("Invalid json message received") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large")
    return value
