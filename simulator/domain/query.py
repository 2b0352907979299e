"""List queries: filters over clients, their value rules, and paging in clientid-descending order."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from ipaddress import ip_address

from simulator.domain.client import Client, ConnState
from simulator.domain.errors import InvalidFilterValue

SECONDS_LIMIT = 100_000_000_000
"""Epoch values below this are seconds (before year 5138); values at or above it are milliseconds."""


def epoch_ms(value: int) -> int:
    """An epoch timestamp given in seconds or milliseconds, as milliseconds."""
    return value * 1000 if value < SECONDS_LIMIT else value


def canonical_ip(text: str) -> str:
    """The canonical text of an IPv4 or IPv6 address; raise `InvalidFilterValue` for anything else."""
    try:
        return str(ip_address(text))
    except ValueError:
        raise InvalidFilterValue("ip_address", "ip", text) from None


@dataclass(frozen=True, slots=True)
class ClientQuery:
    """Filters of a list request, all optional and AND-ed; time bounds are inclusive epoch ms. `clientid`,
    `username` and `conn_state` are one value or several, any of which matches (given alone, it is one)."""

    clientid: tuple[str, ...] | None = None
    username: tuple[str, ...] | None = None
    zone: str | None = None
    ip_address: str | None = None
    conn_state: tuple[ConnState, ...] | None = None
    clean_start: bool | None = None
    proto_name: str | None = None
    proto_ver: int | None = None
    like_clientid: str | None = None
    like_username: str | None = None
    like_ip_address: str | None = None
    node: str | None = None
    gte_created_at: int | None = None
    lte_created_at: int | None = None
    gte_connected_at: int | None = None
    lte_connected_at: int | None = None

    def __post_init__(self) -> None:
        for name in ("clientid", "username", "conn_state"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))

    @property
    def empty(self) -> bool:
        """Whether no filter is given at all."""
        return all(getattr(self, name) is None for name in self.__slots__)

    def split(self) -> tuple[ClientQuery, ClientQuery]:
        """The exact filters, and the substring filters in effect (one next to an exact filter on the same field
        is not)."""
        exact = replace(self, like_clientid=None, like_username=None, like_ip_address=None)
        fuzzy = ClientQuery(
            like_clientid=None if self.clientid is not None else self.like_clientid,
            like_username=None if self.username is not None else self.like_username,
            like_ip_address=None if self.ip_address is not None else self.like_ip_address,
        )
        return exact, fuzzy

    @property
    def fuzzy(self) -> bool:
        """Whether a substring filter is in effect (an exact filter on the same field overrides it)."""
        return (self.like_clientid is not None and self.clientid is None) or (
            self.like_username is not None and self.username is None
        )


@dataclass(frozen=True, slots=True)
class Page:
    """One page of matching clients; `count` is None when a substring filter makes EMQX omit it."""

    clients: list[Client]
    page: int
    limit: int
    hasnext: bool
    count: int | None
    run: Hashable = field(default=None, compare=False)
    """What its clients are, as they are now: pages with the same `run` (not None) hold the same clients in the same
    states, so their serialized clients are the same within a second of the clock."""
    joined: bytes | None = field(default=None, compare=False)
    """Its clients as a page of the same `run` was serialized within the read's second, joined; `clients` is then
    left empty (they were not built again)."""


@dataclass(frozen=True, slots=True)
class Revision:
    """What a read saw: the instant it was taken at, so every counter of a response agrees, and the version
    of the state it was taken from (any change makes a new version)."""

    now_ms: int
    version: int = 0
