"""Logged changes made again, through the simulation's own methods, as of the instants they were first made."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from simulator.domain.client import ConnState, SubOpts
from simulator.domain.errors import DomainError
from simulator.domain.subscription import SubscribeRequest
from simulator.restore import read_setup
from simulator.service import Simulation

log = logging.getLogger("emqx_sim")


def _unchecked(_: object) -> None:
    """A change in the log was checked when it was made."""


def _subscribe(simulation: Simulation, change: dict[str, Any]) -> None:
    requests = [SubscribeRequest(topic, SubOpts(**opts)) for topic, opts in change["subscriptions"]]
    simulation.bulk_subscribe(change["clientid"], requests, _unchecked)


MAKE: dict[str, Callable[[Simulation, dict[str, Any]], object]] = {
    "kick": lambda simulation, change: simulation.kick(change["clientid"]),
    "kick_many": lambda simulation, change: simulation.kick_many(change["clientids"]),
    "subscribe": _subscribe,
    "unsubscribe": lambda simulation, change: simulation.bulk_unsubscribe(
        change["clientid"], change["topics"], _unchecked
    ),
    "keepalive": lambda simulation, change: simulation.set_keepalive(change["clientid"], change["interval"]),
    "authz_clear": lambda simulation, change: simulation.clear_authorization_cache(change["clientid"]),
    "regenerate": lambda simulation, change: simulation.regenerate(read_setup(change["setup"])),
    "put_client": lambda simulation, change: simulation.put_client(change["clientid"], change["given"]),
    "set_state": lambda simulation, change: simulation.set_state(change["clientid"], ConnState(change["state"])),
}
"""How each change but an import or a clock move is made again."""


def replay(simulation: Simulation, changes: Iterable[tuple[int, dict[str, Any]]]) -> int:
    """Make the `(seq, change)`s again, in order; the number made. Each is made with the clock as far as the
    simulation had seen it (sessions expired and churn as they were), then at the instant it was made; the clock
    ends where the last change left it, still or running from there. Propagation delays are not waited for: a
    change still to be seen when the log was written is seen at once."""
    delay = simulation.propagation.low_ms, simulation.propagation.high_ms
    simulation.propagation.set(0, 0)
    frozen, last = simulation.clock.is_frozen, None
    made = 0
    try:
        for seq, change in changes:
            try:
                last, frozen = _make(simulation, change, frozen)
            except (DomainError, ValueError, KeyError, TypeError) as error:
                log.warning("change %d of the log cannot be made again (%s): skipped", seq, error)
                continue
            made += 1
        if last is not None:
            simulation.set_clock(last, frozen)
    finally:
        simulation.propagation.set(*delay)
    return made


def _make(simulation: Simulation, change: dict[str, Any], frozen: bool) -> tuple[int, bool]:
    """Make one change; the instant it leaves the clock at, and whether the clock is still."""
    op = change["op"]
    if op == "import":
        simulation.import_state(change["state"])
        clock = change["state"]["clock"]
        return clock["now_ms"], clock["frozen"]
    if change["tick"] > simulation.seen_until_ms:
        # Where the clock had been seen when the change was made: sessions expire and churn moves as they did.
        # Seen already (the clock was moved back since), it is not seen again: a client that came after would
        # expire here where it did not when the change was made.
        simulation.set_clock(change["tick"], True)
    if op == "clock":
        simulation.set_clock(change["now_ms"], True)
        return change["now_ms"], change["frozen"]
    simulation.set_clock(change["at"], True)
    MAKE[op](simulation, change)
    return change["at"], frozen
