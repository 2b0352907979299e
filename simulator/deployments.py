"""Isolated deployments in one server: each with its own credentials, and the one a request's credentials name."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from simulator.auth import Credentials
from simulator.config import Config
from simulator.deployment import Deployment
from simulator.domain.errors import ClientBudgetExceeded, NotFound, TooManyDeployments
from simulator.durable import Durable
from simulator.roster import SETTINGS, Entry, Roster
from simulator.tokens import Logins

DEFAULT_ID = "default"
SWEEP_EVERY_S = 1.0
"""How often, at most, a request looks for deployments idle past their time."""
REMEMBERED = 256
"""`Authorization` values whose deployment is remembered, so that a client's next request skips decoding."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_deployments: int = 64
    """Isolated deployments at once (the default one not counted)."""
    client_budget: int = 1_000_000
    """Clients of all isolated deployments together."""
    ttl_s: float = 3600.0
    """An isolated deployment no request used for this long is removed."""


@dataclass(slots=True)
class Member:
    """One deployment of the server, with the credentials that reach it."""

    id: str
    deployment: Deployment
    credentials: Credentials
    config: Config
    created_at_s: float
    used_at: float
    """`time.monotonic()` of the last request that reached it."""


Builder = Callable[[Config], Deployment]
"""How a deployment is built from its configuration (slow for a large population: called outside the lock)."""


class Deployments:
    """The default deployment, given on the command line, and the isolated ones made at run time. A request
    reaches the deployment whose App ID (HTTP Basic) or login (bearer token) it presents; anything else
    reaches the default one, whose credentials then refuse it as before."""

    def __init__(
        self,
        default: Deployment,
        config: Config,
        credentials: Credentials,
        logins: Logins,
        build: Builder,
        limits: Limits = Limits(),
        now: Callable[[], float] = time.monotonic,
        state_file: Path | None = None,
    ) -> None:
        self.default = Member(DEFAULT_ID, default, credentials, config, time.time(), now())
        default.peers = self
        self.logins = logins
        self.limits = limits
        self._build = build
        self._now = now
        self._members: dict[str, Member] = {}
        self._by_app_id: dict[str, Member] = {}
        self._by_user: dict[str, Member] = {config.dashboard_user: self.default}
        self._by_header: dict[bytes, Member] = {}
        self._swept_at = now()
        self._lock = threading.Lock()
        self._state_file = state_file
        self._roster = None if state_file is None else Roster(state_file)

    def open(self) -> None:
        """With a state file: the default deployment's state, then the isolated deployments listed beside it, each
        with its own state, read back; every change of each is logged from now on."""
        if self._state_file is None or self._roster is None:
            return
        Durable(self._state_file).replay(self.default.deployment)
        for entry in self._roster.read():
            config = dataclasses.replace(self.default.config, **entry.settings)
            self._make(config, entry.id, entry.app_id, entry.app_secret, entry.created_at_s)
        self._write_roster()

    def close(self) -> bool:
        """Fold every deployment's change log into its state file; whether the default one's was written."""
        saved = False
        for member in self:
            durable = member.deployment.durable
            if durable is not None:
                written = durable.close()
                saved = saved or (member is self.default and written)
        return saved

    def resolve(self, header: bytes | None) -> Member:
        """The deployment a request with this `Authorization` header reaches."""
        if header is None or not self._members:
            return self.default
        member = self._by_header.get(header)
        if member is None:
            member = self._lookup(header)
            if member is not self.default and len(self._by_header) < REMEMBERED:
                self._by_header[header] = member
        now = self._now()
        member.used_at = now
        if now - self._swept_at > SWEEP_EVERY_S:
            self.sweep()
        return member

    def create(self, config: Config) -> Member:
        """A new isolated deployment of `config` (its credentials are chosen here); raises `TooManyDeployments`
        or `ClientBudgetExceeded` past the limits. The population is built outside the lock."""
        self.sweep()
        size = self._size(config)
        with self._lock:
            self._check_room(size)
        id = secrets.token_hex(4)
        return self._make(config, id, f"sim-{id}", secrets.token_urlsafe(18), time.time(), size)

    def _make(
        self, config: Config, id: str, app_id: str, app_secret: str, created_at_s: float, size: int | None = None
    ) -> Member:
        """Build a deployment and add it (kept durably, with a state file); `size`, when given, is checked
        against the limits again once it is built."""
        config = dataclasses.replace(config, app_id=app_id, app_secret=app_secret, dashboard_user=app_id,
                                     dashboard_password=app_secret, state_file=None, static_dir=None)  # fmt: skip
        deployment = self._build(config)
        deployment.peers = self
        if self._roster is not None:
            Durable(self._roster.state_file(id)).replay(deployment)
        member = Member(id, deployment, Credentials(app_id, app_secret, self.logins), config, created_at_s, self._now())
        with self._lock:
            try:
                if size is not None:
                    self._check_room(size)
                self._members[id] = member
                self._write_roster()
            except BaseException:
                self._members.pop(id, None)
                self._discard(member)
                raise
            self._by_app_id[app_id] = member
            if config.dialect == "emqx5":
                self.logins.add_user(app_id, app_secret)
                self._by_user[app_id] = member
        return member

    def remove(self, id: str) -> None:
        """Remove an isolated deployment (the default one is no member: `NotFound`)."""
        with self._lock:
            member = self._members.pop(id, None)
            if member is None:
                raise NotFound(f"No deployment {id}")
            self._forget(member)

    def __iter__(self) -> Iterator[Member]:
        """The default deployment, then the isolated ones in the order they were made."""
        yield self.default
        yield from list(self._members.values())

    def sweep(self) -> None:
        """Remove the isolated deployments idle past their time."""
        now = self._now()
        self._swept_at = now
        with self._lock:
            for id, member in list(self._members.items()):
                if now - member.used_at > self.limits.ttl_s:
                    del self._members[id]
                    self._forget(member)

    def check_size(self, deployment: Deployment, clients: int) -> None:
        """Raise `ClientBudgetExceeded` when an isolated deployment would hold `clients` past the budget (the
        default deployment has none)."""
        if deployment is not self.default.deployment:
            self._check_budget(clients, deployment)

    def _size(self, config: Config) -> int:
        """How many clients `config` asks for (the scenario's number when it names none)."""
        if config.clients is not None:
            return config.clients
        scenario = self.default.deployment.catalog.find(config.scenario)
        return int(scenario.data.get("population", {}).get("clients", 1000))

    def _check_room(self, size: int) -> None:
        limits = self.limits
        if len(self._members) >= limits.max_deployments:
            raise TooManyDeployments(
                f"At most {limits.max_deployments} isolated deployments at once; remove one (DELETE "
                "/api/v5/_sim/deployments/{id}) or start the server with a larger --max-deployments"
            )
        self._check_budget(size)

    def _check_budget(self, clients: int, instead_of: Deployment | None = None) -> None:
        """Raise `ClientBudgetExceeded` when `clients` more (or `clients` in place of those of `instead_of`) would
        take the isolated deployments past the client budget."""
        others = sum(
            m.deployment.simulation.status().clients for m in self._members.values() if m.deployment is not instead_of
        )
        if others + clients > self.limits.client_budget:
            raise ClientBudgetExceeded(
                f"{clients} clients would make {others + clients} in the isolated deployments, over the budget of "
                f"{self.limits.client_budget} (--deployment-client-budget)"
            )

    def _lookup(self, header: bytes) -> Member:
        scheme, _, token = header.strip().partition(b" ")
        token = token.strip()
        if scheme.lower() == b"basic":
            try:
                user = base64.b64decode(token, validate=True).decode("utf-8").partition(":")[0]
            except (binascii.Error, ValueError):
                return self.default
            return self._by_app_id.get(user, self.default)
        if scheme.lower() == b"bearer":
            owner = self.logins.owner(token.decode("latin-1"))
            return self.default if owner is None else self._by_user.get(owner, self.default)
        return self.default

    def _forget(self, member: Member) -> None:
        """Stop reaching a removed member, and delete its state (the list of deployments kept is written first)."""
        self._by_app_id.pop(member.config.app_id, None)
        if self._by_user.pop(member.config.app_id, None) is not None:
            self.logins.remove_user(member.config.app_id)
        self._by_header = {header: m for header, m in self._by_header.items() if m is not member}
        self._write_roster()
        self._discard(member)

    def _discard(self, member: Member) -> None:
        if member.deployment.durable is not None:
            member.deployment.durable.close(fold=False)
        if self._roster is not None:
            self._roster.forget(member.id)

    def _write_roster(self) -> None:
        """List the isolated deployments beside the state file, durably (with no state file, nothing)."""
        if self._roster is not None:
            self._roster.write(
                [Entry(m.id, m.config.app_id, m.config.app_secret, m.created_at_s,
                       {name: getattr(m.config, name) for name in SETTINGS}) for m in self._members.values()]
            )  # fmt: skip
