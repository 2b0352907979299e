"""Dashboard logins: tokens that work, expire, end at logout and at a password change."""

from __future__ import annotations

import pytest

from simulator.tokens import LoginRefused, Logins, TokenRefused


class Now:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_a_token_expires_after_its_time_and_is_then_unknown() -> None:
    now = Now()
    logins = Logins("admin", "public", ttl_s=60, now=now)
    token = logins.login("admin", "public")
    now.seconds += 59
    assert logins.check(token) == "admin"
    now.seconds += 1
    with pytest.raises(TokenRefused) as expired:
        logins.check(token)
    assert expired.value.expired
    with pytest.raises(TokenRefused) as gone:
        logins.check(token)
    assert not gone.value.expired


def test_logout_and_a_password_change_end_every_session() -> None:
    logins = Logins("admin", "public")
    first, second = logins.login("admin", "public"), logins.login("admin", "public")
    logins.logout("admin")
    for token in (first, second):
        with pytest.raises(TokenRefused):
            logins.check(token)
    token = logins.login("admin", "public")
    with pytest.raises(LoginRefused):
        logins.change_password("admin", "wrong", "n3w-password")
    logins.change_password("admin", "public", "n3w-password")
    with pytest.raises(TokenRefused):
        logins.check(token)
    with pytest.raises(LoginRefused):
        logins.login("admin", "public")
    assert logins.check(logins.login("admin", "n3w-password")) == "admin"
    logins.reset()
    assert logins.check(logins.login("admin", "public")) == "admin"


def test_the_credentials_answer_an_expired_token_as_emqx_does() -> None:
    from simulator.auth import Credentials
    from simulator.error_codes import HttpError

    now = Now()
    logins = Logins("admin", "public", ttl_s=60, now=now)
    credentials = Credentials("app_id", "app_secret", logins)
    header = b"Bearer " + logins.login("admin", "public").encode()
    credentials.check(header, ("basic", "bearer"))
    now.seconds += 60
    with pytest.raises(HttpError) as expired:
        credentials.check(header, ("basic", "bearer"))
    assert (expired.value.status_code, expired.value.code) == (401, "TOKEN_TIME_OUT")
    assert expired.value.message == "Token expired, get new token by POST /login"
    with pytest.raises(HttpError) as unknown:
        credentials.check(header, ("basic", "bearer"))
    assert (unknown.value.code, unknown.value.headers) == ("BAD_TOKEN", {})
