"""Churn: clients disconnecting, reconnecting and arriving as time moves, one step per simulated minute."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from simulator.domain.client import Client, ConnState
from simulator.domain.registry import Registry

MINUTE_MS = 60_000
MAX_STEPS = 1440
"""At most a day of minutes is simulated per move of the clock; longer jumps churn their last day."""


@dataclass(frozen=True, slots=True)
class Churn:
    """Per simulated minute: the share of connected clients that disconnect, the share of disconnected
    ones that reconnect, and how many new clients arrive."""

    disconnects: float = 0.02
    reconnects: float = 0.1
    arrivals: float = 1.0


Arrival = Callable[[random.Random, int, int], Client]
"""Makes a new client from a step's random source, a sequence number and the instant it connects at."""


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def apply(churn: Churn, registry: Registry, seed: int, from_ms: int, to_ms: int, arrive: Arrival) -> None:
    """Churn every whole minute in (from_ms, to_ms]; the same seed and minutes always churn alike."""
    first = from_ms // MINUTE_MS + 1
    last = to_ms // MINUTE_MS
    for minute in range(max(first, last - MAX_STEPS + 1), last + 1):
        at = minute * MINUTE_MS
        # Sessions expired by now are gone before the minute churns, however often the clock was read before it:
        # churn then depends only on the minutes, and a change log made again churns as the first run did.
        registry.expire(at)
        rng = random.Random(f"{seed}:churn:{minute}")
        connected = registry.ids_in_state(ConnState.CONNECTED)
        disconnected = registry.ids_in_state(ConnState.DISCONNECTED)
        ended: list[str] = []
        for clientid in rng.sample(connected, min(len(connected), _count(rng, len(connected) * churn.disconnects))):
            client = registry.get(clientid)
            if client is None:
                continue
            if client.identity.expiry_interval == 0:
                ended.append(clientid)
                continue
            client = registry.touch(clientid)
            assert client is not None
            client.state = ConnState.DISCONNECTED
            client.disconnected_at_ms = max(at, client.connected_at_ms + 1)
            registry.add(client)
        registry.remove_many(ended)
        for clientid in rng.sample(
            disconnected, min(len(disconnected), _count(rng, len(disconnected) * churn.reconnects))
        ):
            client = registry.touch(clientid)
            if client is None or (client.expires_at_ms is not None and client.expires_at_ms <= at):
                continue
            client.state = ConnState.CONNECTED
            client.connected_at_ms = at
            client.disconnected_at_ms = None
            registry.add(client)
        for sequence in range(_count(rng, churn.arrivals)):
            newcomer = arrive(rng, minute * 1000 + sequence, at)
            if registry.get(newcomer.clientid) is None:
                registry.add(newcomer)
