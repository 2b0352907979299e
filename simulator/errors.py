"""The one table from errors to HTTP status and EMQX error code, and the EMQX error body."""

from __future__ import annotations

import json
from collections.abc import Mapping

from simulator.domain.errors import (
    ClientNotFound,
    DomainError,
    InvalidFilterValue,
    InvalidSubscribeOptions,
    InvalidTopicFilter,
)
from simulator.domain.snapshot import InvalidState

DOMAIN_ERRORS: Mapping[type[DomainError], tuple[int, str]] = {
    ClientNotFound: (404, "CLIENTID_NOT_FOUND"),
    InvalidTopicFilter: (400, "INVALID_PARAMETER"),
    InvalidSubscribeOptions: (400, "INVALID_PARAMETER"),
    InvalidFilterValue: (400, "INVALID_PARAMETER"),
    InvalidState: (400, "INVALID_PARAMETER"),
}

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic Realm="emqx-dashboard"'}


class HttpError(Exception):
    """A request refused before it reaches the simulation: credentials, media type, size, schema."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def from_domain(error: DomainError) -> HttpError:
    for kind in type(error).__mro__:
        if kind in DOMAIN_ERRORS:
            status, code = DOMAIN_ERRORS[kind]
            return HttpError(status, code, error.message)
    return HttpError(400, "BAD_REQUEST", error.message)


def bad_request(message: str) -> HttpError:
    return HttpError(400, "BAD_REQUEST", message)


def unauthorized(code: str, message: str) -> HttpError:
    return HttpError(401, code, message, BASIC_CHALLENGE)


def error_body(code: str, message: str) -> bytes:
    """`{"code","message"}` as ASCII JSON, safe for any text a client sent (lone surrogates included)."""
    return json.dumps({"code": code, "message": message}).encode("ascii")
