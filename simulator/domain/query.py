"""List queries: filters over clients, their value rules, and paging in clientid-descending order."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Filters of a list request, all optional and AND-ed; time bounds are inclusive epoch ms."""

    clientid: str | None = None
    username: str | None = None
    zone: str | None = None
    ip_address: str | None = None
    conn_state: ConnState | None = None
    clean_start: bool | None = None
    proto_name: str | None = None
    proto_ver: int | None = None
    like_clientid: str | None = None
    like_username: str | None = None
    gte_created_at: int | None = None
    lte_created_at: int | None = None
    gte_connected_at: int | None = None
    lte_connected_at: int | None = None

    @property
    def empty(self) -> bool:
        """Whether no filter is given at all."""
        return all(getattr(self, name) is None for name in self.__slots__)

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
