"""The simulator's controls of a simulation: what it simulates, its population, clients put in place, the clock
and the whole state. A base of `simulator.service.Simulation`, which sets what it declares."""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.domain import client as clients
from simulator.domain.census import Census, Subscriptions, subscriptions
from simulator.domain.churn import Churn
from simulator.domain.client import Client, ConnState
from simulator.domain.clock import Clock
from simulator.domain.errors import InvalidRequest
from simulator.domain.population import Population, PopulationSpec, build, given_client
from simulator.domain.propagation import Propagation
from simulator.domain.query import Revision
from simulator.domain.registry import Registry
from simulator.domain.setup import Setup
from simulator.domain.snapshot import FORMAT, client_to_data
from simulator.domain.subscription import check_unsubscribe

BUILD_SWITCH_S = 0.0005
"""While a new population is indexed beside the requests, the thread doing it gives the GIL to a waiting request
after this long (5 ms otherwise: each of the several waits of a request could take that long)."""
RELEASE_PAUSE_S = 0.0005
"""The pause after each thousand objects of a population let go (`paced`): a request waiting for the GIL takes it."""


class QuickSwitches:
    """`BUILD_SWITCH_S` as the interpreter's switch interval while at least one thread is inside (regenerates of
    several deployments may overlap); the interval from before once none is."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._before = sys.getswitchinterval()

    def __enter__(self) -> None:
        with self._lock:
            if not self._inside:
                self._before = sys.getswitchinterval()
                sys.setswitchinterval(BUILD_SWITCH_S)
            self._inside += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._inside -= 1
            if not self._inside:
                sys.setswitchinterval(self._before)


QUICK_SWITCHES = QuickSwitches()


@dataclass(frozen=True, slots=True)
class Status:
    scenario: str
    seed: int
    nodes: list[str]
    clients: int
    churn: Churn | None
    now_ms: int
    frozen: bool


class Controls:
    """The control API's use cases. Each holds the simulation's lock, as the Clients API's do."""

    clock: Clock
    propagation: Propagation
    nodes: list[str]
    _lock: threading.RLock
    _setup: Setup
    _registry: Registry
    _last_tick_ms: int
    _subscribed: tuple[tuple[int, int], Subscriptions] | None
    _tick: Callable[[], int]
    _record: Callable[[dict[str, Any], int], None]
    _install: Callable[[Setup, Registry, int], None]
    _caught_up: Callable[[Setup, Registry], int]
    _find: Callable[..., Client]

    @property
    def spec(self) -> PopulationSpec:
        return self._setup.spec

    def put_client(self, clientid: str, given: dict[str, Any]) -> tuple[Client, bool]:
        """Put a client with the fields `given` in place, as the population would generate it otherwise; whether it
        is new (rather than replacing one). Raises `InvalidRequest` for a node the deployment does not have."""
        if given.get("node", self.nodes[0]) not in self.nodes:
            raise InvalidRequest(f"node: {given['node']!r} is not a node of this deployment: {', '.join(self.nodes)}")
        for topic in given.get("subscriptions", {}):
            check_unsubscribe(topic)
        with self._lock:
            now = self._tick()
            client = given_client(self.spec, clientid, given, now)
            new = self._registry.get(clientid) is None
            self._record({"op": "put_client", "clientid": clientid, "given": given}, now)
            self._registry.remove(clientid)
            self._registry.add(client)
            return client, new

    def status(self) -> Status:
        with self._lock:
            now = self._tick()
            setup = self._setup
            return Status(
                setup.scenario, setup.spec.seed, self.nodes, len(self._registry), setup.churn, now, self.clock.is_frozen
            )

    def census(self, sample: int) -> Census:
        """The live clients counted from the columns, and the subscriptions of at most `sample` of them."""
        with self._lock:
            now = self._tick()
            counts = self._registry.counts()
            # Reading clients whole is the costly part: done again only once something changed.
            version = self._registry.version
            if self._subscribed is None or self._subscribed[0] != (version, sample):
                self._subscribed = (version, sample), subscriptions(self._registry.sample(sample), counts.total)
            return Census(counts, self._subscribed[1], now)

    def set_state(self, clientid: str, state: ConnState) -> tuple[Client, Revision]:
        """Connect, disconnect or idle the client now (`client.change_state`)."""
        with self._lock:
            now = self._tick()
            client = self._find(clientid, keep=True)
            self._record({"op": "set_state", "clientid": clientid, "state": str(state)}, now)
            clients.change_state(client, state, now)
            self._registry.add(client)
            return client, Revision(now)

    def reset(self, population: Population | None = None) -> None:
        """Back to the start state of the current seed and scenario: every change undone (`population`: that of
        the current spec, built already)."""
        self.regenerate(self._setup, population)

    def regenerate(self, setup: Setup, population: Population | None = None) -> None:
        """A new population from `setup`, as of the clock's present instant for a new spec (`population`: that of
        `setup.spec`, built already, as `build` builds it)."""
        spec = setup.spec
        if population is None or population.spec != spec:  # (the spec to reset to changed meanwhile)
            population = build(spec)
        with QUICK_SWITCHES:
            registry = Registry(population=population)
            seen = self._caught_up(setup, registry)  # (not served yet: no lock)
        with self._lock:
            self._record({"op": "regenerate", "setup": setup.data()}, self.clock.now_ms())
            previous = self._registry
            self._install(setup, registry, seen)
            self._tick()
        previous.release(functools.partial(time.sleep, RELEASE_PAUSE_S))

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            return self.set_clock(self.clock.now_ms() + int(seconds * 1000))

    def set_clock(self, at_ms: int | None = None, frozen: bool | None = None) -> int:
        with self._lock:
            now_ms = self.clock.now_ms() if at_ms is None else at_ms
            stays = self.clock.is_frozen if frozen is None else frozen
            self._record({"op": "clock", "now_ms": now_ms, "frozen": stays}, now_ms)
            self.clock.set(now_ms)
            if stays:
                self.clock.freeze()
                self.clock.set(now_ms)  # exactly the instant recorded, however long freezing took
            else:
                self.clock.resume()
            return self._tick()

    def export_state(self) -> dict[str, Any]:
        """The state as the spec the population is generated from, the generated clients that are gone, and
        every client that differs from its generated self (a million untouched clients take a few bytes)."""
        state, kept = self.export_parts()
        return {**state, "clients": [client_to_data(client) for client in kept]}

    def export_parts(self) -> tuple[dict[str, Any], list[Client]]:
        """`export_state` without its `clients`, and copies of them to make into data later, away from the lock."""
        with self._lock:
            now = self._tick()
            removed, kept = self._registry.changes()
            clock = {"now_ms": now, "frozen": self.clock.is_frozen}
            state = {"format": FORMAT, **self._setup.data(), "clock": clock, "last_tick_ms": self._last_tick_ms}
            since = self._registry.churn_since_ms
            if since is not None and since != self._setup.spec.now_ms:
                state["churn_since_ms"] = since
            return {**state, "removed": removed}, [clients.copy(client) for client in kept]

    def import_state(self, data: Any) -> None:
        """Replace the whole state with an exported one; nothing changes unless all of it is valid."""
        from simulator.restore import read_state  # it builds a `Simulation`'s parts: imported where it is used

        setup, registry, clock, last_tick = read_state(data)
        with self._lock:
            self._record({"op": "import", "state": data}, clock["now_ms"])
            self.clock.set(clock["now_ms"])
            if clock["frozen"]:
                self.clock.freeze()
            else:
                self.clock.resume()
            self._install(setup, registry, last_tick)
