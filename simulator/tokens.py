"""Dashboard logins: the user and password `POST /login` checks, and the bearer tokens it hands out."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from simulator.domain.errors import DomainError

TOKEN_TTL_S = 3600.0
"""How long a token is good for, as EMQX's `dashboard.token_expired_time` (60 minutes) by default."""
DEFAULT_PASSWORDS = frozenset({"public"})
"""Passwords EMQX's dashboard asks the user to change at first login."""


class LoginFailed(DomainError):
    """A wrong user name or password at `POST /login`."""


class WrongTokenOrUsername(DomainError):
    """`POST /logout` naming a user who does not own the token."""


class UserNotFound(DomainError):
    """A password change for a user the dashboard does not have."""


class PasswordMismatch(DomainError):
    """A password change whose old password is wrong."""


class TokenRefused(Exception):
    """A bearer token that is unknown (`expired` False) or past its time."""

    def __init__(self, expired: bool) -> None:
        super().__init__("token expired" if expired else "unknown token")
        self.expired = expired


class LoginRefused(Exception):
    """A user name and password that do not match."""


@dataclass(frozen=True, slots=True)
class Session:
    username: str
    expires_at: float


class Logins:
    """The dashboard user, and the tokens of its open sessions. Time is real (`now`), not the simulation's:
    moving the simulated clock does not log anybody out."""

    def __init__(
        self, username: str, password: str, ttl_s: float = TOKEN_TTL_S, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.username = username
        self._initial = password
        self._password = password
        self._ttl_s = ttl_s
        self._now = now
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def login(self, username: str, password: str) -> str:
        """A new token for the user; raise `LoginRefused` for a wrong user name or password."""
        good_user = hmac.compare_digest(username.encode(), self.username.encode())
        good_password = hmac.compare_digest(password.encode(), self._password.encode())
        if not (good_user and good_password):
            raise LoginRefused
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            self._sessions[token] = Session(username, self._now() + self._ttl_s)
        return token

    def check(self, token: str) -> str:
        """The user name of a token in force; raise `TokenRefused` otherwise."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                raise TokenRefused(expired=False)
            if session.expires_at <= self._now():
                del self._sessions[token]
                raise TokenRefused(expired=True)
            return session.username

    def logout(self, username: str) -> None:
        """End every session of the user."""
        with self._lock:
            self._sessions = {token: s for token, s in self._sessions.items() if s.username != username}

    def change_password(self, username: str, old: str, new: str) -> None:
        """Set a new password; raise `LoginRefused` when the old one is wrong. Open sessions end."""
        if username != self.username or not hmac.compare_digest(old.encode(), self._password.encode()):
            raise LoginRefused
        self._password = new
        self.logout(username)

    def reset(self) -> None:
        """Back to the password the user started with, and no session."""
        with self._lock:
            self._password = self._initial
            self._sessions = {}

    @property
    def default_password(self) -> bool:
        return self._password in DEFAULT_PASSWORDS

    def _forget_expired(self) -> None:
        now = self._now()
        self._sessions = {token: s for token, s in self._sessions.items() if s.expires_at > now}
