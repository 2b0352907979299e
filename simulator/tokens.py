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
    """The dashboard users (one per deployment of the EMQX 5 dialect), and the tokens of their open sessions.
    Time is real (`now`), not the simulation's: moving the simulated clock does not log anybody out."""

    def __init__(
        self, username: str, password: str, ttl_s: float = TOKEN_TTL_S, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.username = username
        """The first user: the default deployment's."""
        self._initial = {username: password}
        self._passwords = {username: password}
        self._ttl_s = ttl_s
        self._now = now
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def add_user(self, username: str, password: str) -> None:
        with self._lock:
            self._initial[username] = self._passwords[username] = password

    def remove_user(self, username: str) -> None:
        """Forget the user and end its sessions."""
        with self._lock:
            self._initial.pop(username, None)
            self._passwords.pop(username, None)
            self._sessions = {token: s for token, s in self._sessions.items() if s.username != username}

    def login(self, username: str, password: str) -> str:
        """A new token for the user; raise `LoginRefused` for a wrong user name or password."""
        known = self._passwords.get(username)
        good_password = hmac.compare_digest(password.encode(), (known or "").encode())
        if known is None or not good_password:
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

    def owner(self, token: str) -> str | None:
        """The user a token was handed to, in force or not; None for a token nobody was handed."""
        session = self._sessions.get(token)
        return None if session is None else session.username

    def logout(self, username: str) -> None:
        """End every session of the user."""
        with self._lock:
            self._sessions = {token: s for token, s in self._sessions.items() if s.username != username}

    def change_password(self, username: str, old: str, new: str) -> None:
        """Set a new password; raise `LoginRefused` when the old one is wrong. Open sessions end."""
        known = self._passwords.get(username)
        if known is None or not hmac.compare_digest(old.encode(), known.encode()):
            raise LoginRefused
        self._passwords[username] = new
        self.logout(username)

    def reset(self) -> None:
        """Back to the passwords the users started with, and no session."""
        with self._lock:
            self._passwords = dict(self._initial)
            self._sessions = {}

    def _forget_expired(self) -> None:
        now = self._now()
        self._sessions = {token: s for token, s in self._sessions.items() if s.expires_at > now}
