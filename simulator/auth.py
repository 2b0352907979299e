"""Credentials as EMQX checks them: HTTP Basic with an API key and secret, or a dashboard login's bearer token."""

from __future__ import annotations

import base64
import binascii
import hmac

from simulator.error_codes import (
    API_KEY_NOT_ALLOW,
    AUTHORIZATION_HEADER_ERROR,
    BAD_API_KEY_OR_SECRET,
    BAD_TOKEN,
    TOKEN_TIME_OUT,
    unauthorized,
)
from simulator.tokens import Logins, TokenRefused

HEADER_ERROR = "Support authorization: basic/bearer "
BAD_CREDENTIALS = "Check api_key/api_secret"
UNKNOWN_TOKEN = "Get a token by POST /login"
EXPIRED_TOKEN = "Token expired, get new token by POST /login"
KEY_NOT_ALLOWED = "Please use bearer Token instead, using API key/secret in logout path is not permitted"
REMEMBERED = 16
"""Accepted `Authorization` values remembered, so that a client's next request skips decoding."""


class Credentials:
    """The App ID and App Secret a request may present, and the logins whose bearer tokens it may present."""

    def __init__(self, app_id: str, app_secret: str, logins: Logins | None = None) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.logins = logins
        self._accepted: set[bytes] = set()

    def check(self, header: bytes | None, schemes: tuple[str, ...]) -> None:
        """Pass an `Authorization` header (its raw bytes) of one of `schemes` (`basic`, `bearer`; none: the
        operation is open) that holds valid credentials; raise a 401 `HttpError` otherwise."""
        if not schemes or ("basic" in schemes and header is not None and header in self._accepted):
            return
        scheme, _, token = (header or b"").strip().partition(b" ")
        if scheme.lower() == b"bearer" and "bearer" in schemes and self.logins is not None and token.strip():
            try:
                self.logins.check(token.strip().decode("latin-1"))
            except TokenRefused as refused:
                code, message = (TOKEN_TIME_OUT, EXPIRED_TOKEN) if refused.expired else (BAD_TOKEN, UNKNOWN_TOKEN)
                raise code.error(message) from None
            return
        check_authorization(header, self.app_id, self.app_secret)
        if "basic" not in schemes:
            raise unauthorized(API_KEY_NOT_ALLOW, KEY_NOT_ALLOWED)
        if header is not None and len(self._accepted) < REMEMBERED:
            self._accepted.add(header)


def check_authorization(header: bytes | None, app_id: str, app_secret: str) -> str:
    """The App ID of a valid `Authorization: Basic` header; raise a 401 `HttpError` otherwise (for any bytes)."""
    scheme, _, token = (header or b"").strip().partition(b" ")
    if scheme.lower() != b"basic" or not token.strip():
        raise unauthorized(AUTHORIZATION_HEADER_ERROR, HEADER_ERROR)
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):
        raise unauthorized(AUTHORIZATION_HEADER_ERROR, HEADER_ERROR) from None
    if not sep:
        raise unauthorized(AUTHORIZATION_HEADER_ERROR, HEADER_ERROR)
    good_user = hmac.compare_digest(user.encode(), app_id.encode())
    good_secret = hmac.compare_digest(password.encode(), app_secret.encode())
    if not (good_user and good_secret):
        raise unauthorized(BAD_API_KEY_OR_SECRET, BAD_CREDENTIALS)
    return user
