"""HTTP Basic authentication with the deployment's App ID and App Secret, answering as EMQX does."""

from __future__ import annotations

import base64
import binascii
import hmac

from simulator.error_codes import AUTHORIZATION_HEADER_ERROR, BAD_API_KEY_OR_SECRET, unauthorized

HEADER_ERROR = "Support authorization: basic/bearer "
BAD_CREDENTIALS = "Check api_key/api_secret"
REMEMBERED = 16
"""Accepted `Authorization` values remembered, so that a client's next request skips decoding."""


class Credentials:
    """The App ID and App Secret a request must present."""

    def __init__(self, app_id: str, app_secret: str) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self._accepted: set[bytes] = set()

    def check(self, header: bytes | None) -> None:
        """Pass a valid `Authorization: Basic` header (its raw bytes); raise a 401 `HttpError` otherwise."""
        if header is not None and header in self._accepted:
            return
        check_authorization(header, self.app_id, self.app_secret)
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
