"""HTTP Basic authentication with the deployment's App ID and App Secret, answering as EMQX does."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Any

from connexion.security import BasicSecurityHandler

from simulator.errors import unauthorized

HEADER_ERROR = ("AUTHORIZATION_HEADER_ERROR", "Support authorization: basic/bearer ")
BAD_CREDENTIALS = ("BAD_API_KEY_OR_SECRET", "Check api_key/api_secret")


def check_authorization(header: str | None, app_id: str, app_secret: str) -> str:
    """The App ID of a valid `Authorization: Basic` header; raise a 401 `HttpError` otherwise."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        raise unauthorized(*HEADER_ERROR)
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized(*HEADER_ERROR) from None
    if not sep:
        raise unauthorized(*HEADER_ERROR)
    good_user = hmac.compare_digest(user.encode(), app_id.encode())
    good_secret = hmac.compare_digest(password.encode(), app_secret.encode())
    if not (good_user and good_secret):
        raise unauthorized(*BAD_CREDENTIALS)
    return user


def basic_handler(app_id: str, app_secret: str) -> type[BasicSecurityHandler]:
    """A connexion security handler for `scheme: basic` bound to these credentials."""

    class AppCredentials(BasicSecurityHandler):  # type: ignore[misc]
        def get_fn(self, security_scheme: dict[str, Any], required_scopes: list[str]) -> Callable[[Any], Any]:
            def verify(request: Any) -> dict[str, str]:
                return {"sub": check_authorization(request.headers.get("authorization"), app_id, app_secret)}

            return verify

    return AppCredentials
