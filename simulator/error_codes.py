"""Every HTTP status and EMQX error code the simulator answers, in one table, and the EMQX error body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.domain.errors import (
    ClientBudgetExceeded,
    ClientNotFound,
    DomainError,
    InvalidFilterValue,
    InvalidParameter,
    InvalidRequest,
    InvalidSubscribeOptions,
    InvalidTopicFilter,
    NotFound,
    TooManyDeployments,
    UnknownNode,
)
from simulator.domain.snapshot import InvalidState
from simulator.scenarios import ScenarioError, UnknownScenario
from simulator.state_file import StoreFailed
from simulator.tokens import LoginFailed, PasswordMismatch, UserNotFound, WrongTokenOrUsername


class HttpError(Exception):
    """A request refused with an EMQX error: its status, code, message and extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class Code:
    """An EMQX error code and the HTTP status it is answered with."""

    status: int
    code: str

    def error(self, message: str, headers: Mapping[str, str] | None = None) -> HttpError:
        return HttpError(self.status, self.code, message, headers)


BAD_REQUEST = Code(400, "BAD_REQUEST")
"""A parameter or body out of its schema, broken JSON, an unknown or repeated query parameter."""
INVALID_PARAMETER = Code(400, "INVALID_PARAMETER")
"""A value the server cannot use: an IP address that does not parse, a topic filter that breaks a rule."""
AUTHORIZATION_HEADER_ERROR = Code(401, "AUTHORIZATION_HEADER_ERROR")
"""No credentials, or an `Authorization` header that cannot be decoded."""
BAD_API_KEY_OR_SECRET = Code(401, "BAD_API_KEY_OR_SECRET")
"""Credentials that are not the deployment's."""
BAD_TOKEN = Code(401, "BAD_TOKEN")
"""A bearer token no login handed out (or one logged out)."""
TOKEN_TIME_OUT = Code(401, "TOKEN_TIME_OUT")
"""A bearer token past its time."""
BAD_USERNAME_OR_PWD = Code(401, "BAD_USERNAME_OR_PWD")
"""A dashboard login with a wrong user name or password."""
API_KEY_NOT_ALLOW = Code(401, "API_KEY_NOT_ALLOW")
"""An API key where only a login's token is taken (`POST /logout`)."""
NOT_FOUND = Code(404, "NOT_FOUND")
"""No such path, or no such thing of the control API."""
CLIENTID_NOT_FOUND = Code(404, "CLIENTID_NOT_FOUND")
"""No client has that clientid."""
METHOD_NOT_ALLOWED = Code(405, "METHOD_NOT_ALLOWED")
PAYLOAD_TOO_LARGE = Code(413, "PAYLOAD_TOO_LARGE")
UNSUPPORTED_MEDIA_TYPE = Code(415, "UNSUPPORTED_MEDIA_TYPE")
INTERNAL_ERROR = Code(500, "INTERNAL_ERROR")

BY_STATUS: Mapping[int, Code] = {
    code.status: code
    for code in (
        BAD_REQUEST,
        Code(401, "BAD_API_KEY_OR_SECRET"),
        Code(403, "FORBIDDEN"),
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        Code(409, "CONFLICT"),
        PAYLOAD_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        Code(429, "TOO_MANY_REQUESTS"),
        INTERNAL_ERROR,
        Code(502, "BAD_GATEWAY"),
        Code(503, "SERVICE_UNAVAILABLE"),
        Code(504, "GATEWAY_TIMEOUT"),
    )
}
"""The code an injected error of a status carries when its rule names none."""

DOMAIN_ERRORS: Mapping[type[DomainError], Code] = {
    ClientNotFound: CLIENTID_NOT_FOUND,
    InvalidTopicFilter: INVALID_PARAMETER,
    InvalidSubscribeOptions: INVALID_PARAMETER,
    InvalidFilterValue: INVALID_PARAMETER,
    InvalidState: INVALID_PARAMETER,
    InvalidRequest: BAD_REQUEST,
    InvalidParameter: INVALID_PARAMETER,
    NotFound: NOT_FOUND,
    UnknownNode: Code(500, "NODE_DOWN"),
    UnknownScenario: NOT_FOUND,
    LoginFailed: BAD_USERNAME_OR_PWD,
    WrongTokenOrUsername: Code(401, "WRONG_TOKEN_OR_USERNAME"),
    UserNotFound: Code(404, "USER_NOT_FOUND"),
    PasswordMismatch: Code(400, "ERROR_PWD_NOT_MATCH"),
    ScenarioError: INVALID_PARAMETER,
    TooManyDeployments: Code(409, "TOO_MANY_DEPLOYMENTS"),
    ClientBudgetExceeded: Code(413, "CLIENT_BUDGET_EXCEEDED"),
    StoreFailed: Code(503, "SERVICE_UNAVAILABLE"),
}
"""Errors the simulation raises; a kind not listed (nor any of its bases) is a 400 `BAD_REQUEST`. An unknown node
is a 500 `NODE_DOWN`, as EMQX 5 answers it (`emqx_mgmt_api_clients`)."""

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic Realm="emqx-dashboard"'}


def for_status(status: int) -> Code:
    """The code an error of `status` carries by default."""
    return BY_STATUS.get(status) or (INTERNAL_ERROR if status >= 500 else BAD_REQUEST)


def from_domain(error: DomainError) -> HttpError:
    for kind in type(error).__mro__:
        code = DOMAIN_ERRORS.get(kind)
        if code is not None:
            return code.error(error.message)
    return BAD_REQUEST.error(error.message)


def unauthorized(code: Code, message: str) -> HttpError:
    return code.error(message, BASIC_CHALLENGE)


def error_body(code: str, message: str) -> bytes:
    """`{"code","message"}` as ASCII JSON, safe for any text a client sent (lone surrogates included)."""
    return json.dumps({"code": code, "message": message}).encode("ascii")
