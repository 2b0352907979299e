"""Churn: clients disconnecting, reconnecting and arriving as time moves, one step per simulated minute."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from simulator.domain.client import Client, ConnState
from simulator.domain.registry import Registry
from simulator.domain.sampling import sample

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


def occurrences(rng: random.Random, expected: float) -> int:
    """How many of `expected` happen: its whole part, and one more with the chance of its fraction."""
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def apply(churn: Churn, registry: Registry, seed: int, from_ms: int, to_ms: int, arrive: Arrival) -> None:
    """Churn every whole minute in (from_ms, to_ms]; the same seed and minutes always churn alike.

    Each minute draws, from its own random source: which connected clients disconnect (those without a session
    end), which disconnected ones reconnect (unless their session ended first), and the newcomers."""
    first = from_ms // MINUTE_MS + 1
    last = to_ms // MINUTE_MS
    for minute in range(max(first, last - MAX_STEPS + 1), last + 1):
        at = minute * MINUTE_MS
        # Sessions expired by now are gone before the minute churns, however often the clock was read before it:
        # churn then depends only on the minutes, and a change log made again churns as the first run did.
        registry.expire(at)
        rng = random.Random(f"{seed}:churn:{minute}")
        connected = registry.listed_in_state(ConnState.CONNECTED)
        disconnected = registry.listed_in_state(ConnState.DISCONNECTED)
        leaving = sample(rng, connected.size, min(connected.size, occurrences(rng, connected.size * churn.disconnects)))
        registry.disconnect(connected[leaving], at)
        back = sample(
            rng, disconnected.size, min(disconnected.size, occurrences(rng, disconnected.size * churn.reconnects))
        )
        registry.reconnect(disconnected[back], at)
        for sequence in range(occurrences(rng, churn.arrivals)):
            newcomer = arrive(rng, minute * 1000 + sequence, at)
            if registry.get(newcomer.clientid) is None:
                registry.add(newcomer)
