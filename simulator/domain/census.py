"""A census of the live clients: how many by state, node and protocol, and what they subscribe to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.domain.client import Client, ConnState

TOP_FILTERS = 10
"""Topic filters the census names, most held first."""


@dataclass(frozen=True, slots=True)
class Counts:
    """Live clients counted from the registry's columns: in all, by state, by node (and state), and by protocol
    name and version."""

    total: int
    by_state: dict[ConnState, int]
    by_node: dict[str, dict[ConnState, int]]
    by_protocol: dict[tuple[str, int], int]


@dataclass(frozen=True, slots=True)
class Subscriptions:
    """Subscriptions of some clients: in all, and the most held topic filters with how many clients hold each."""

    read: int
    total: int
    top: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Census:
    """The counts, and the subscriptions of `subscriptions.read` clients: where that is fewer than
    `counts.total`, their numbers are an estimate scaled to the whole population."""

    counts: Counts
    subscriptions: Subscriptions
    now_ms: int


def subscriptions(clients: Sequence[Client], population: int) -> Subscriptions:
    """The subscriptions of `clients`, a sample of `population` live clients (or all of them), scaled to it."""
    held: Counter[str] = Counter()
    for client in clients:
        held.update(list(client.subscriptions))
    read = len(clients)
    scale = population / read if read else 0.0
    total = round(sum(held.values()) * scale)
    top = [(topic, round(count * scale)) for topic, count in held.most_common(TOP_FILTERS)]
    return Subscriptions(read, total, top)
