"""The simulation service: one method per use case of the Clients API and of the simulator's controls."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from simulator.domain import churn as churning
from simulator.domain import client as clients
from simulator.domain.churn import Churn
from simulator.domain.client import Client
from simulator.domain.clock import Clock
from simulator.domain.errors import ClientNotFound
from simulator.domain.population import PopulationSpec, Progress, arrivals, build, node_names
from simulator.domain.query import ClientQuery, Page
from simulator.domain.registry import Registry
from simulator.domain.snapshot import FORMAT, FULL_FORMAT, InvalidState, client_from_data, client_to_data
from simulator.domain.subscription import SubscribeRequest, Subscription, check_subscribe, check_unsubscribe

MAX_CLIENTS = 2_000_000
"""The largest population an imported state may generate."""


@dataclass(frozen=True, slots=True)
class Revision:
    """What a read saw: the instant it was taken at, so every counter of a response agrees, and the version
    of the state it was taken from (any change makes a new version)."""

    now_ms: int
    version: int = 0


@dataclass(frozen=True, slots=True)
class Setup:
    """What the population is generated from: a named scenario's spec and churn."""

    spec: PopulationSpec
    churn: Churn | None = None
    scenario: str = "default"


@dataclass(frozen=True, slots=True)
class Status:
    scenario: str
    seed: int
    nodes: list[str]
    clients: int
    churn: Churn | None
    now_ms: int
    frozen: bool


class Simulation:
    """A simulated EMQX deployment. Every method is atomic: concurrent calls never see half-applied state."""

    def __init__(
        self,
        clock: Clock,
        spec: PopulationSpec,
        churn: Churn | None = None,
        scenario: str = "default",
        progress: Progress | None = None,
    ) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._install(
            Setup(spec, churn, scenario), Registry(population=build(spec, progress), progress=progress), spec.now_ms
        )

    @property
    def spec(self) -> PopulationSpec:
        return self._setup.spec

    def _install(self, setup: Setup, registry: Registry, last_tick_ms: int) -> None:
        self._setup = setup
        self.nodes = node_names(setup.spec.nodes)
        self._registry = registry
        self._last_tick_ms = last_tick_ms
        self._arrive = arrivals(setup.spec) if setup.churn is not None else None

    # The emulated API

    def list_clients(self, query: ClientQuery, page: int, limit: int) -> tuple[Page, Revision]:
        with self._lock:
            now = self._tick()
            return self._registry.select(query, page, limit), Revision(now, self._registry.version)

    def revision(self) -> Revision:
        """The instant and version of the state now, as a read now would see them."""
        with self._lock:
            now = self._tick()
            return Revision(now, self._registry.version)

    def get_client(self, clientid: str) -> tuple[Client, Revision]:
        with self._lock:
            now = self._tick()
            return self._find(clientid), Revision(now)

    def kick(self, clientid: str) -> None:
        """End the client's connection and session at once; it is gone from every view."""
        with self._lock:
            self._tick()
            self._find(clientid)
            self._registry.remove(clientid)

    def subscribe(self, clientid: str, request: SubscribeRequest) -> Subscription:
        return self.bulk_subscribe(clientid, [request])[0]

    def bulk_subscribe(self, clientid: str, requests: Sequence[SubscribeRequest]) -> list[Subscription]:
        """Subscribe to each filter in order, after checking them all; a filter over the quota is dropped."""
        for request in requests:
            check_subscribe(request)
        with self._lock:
            self._tick()
            client = self._find(clientid, keep=True)
            for request in requests:
                clients.subscribe(client, request.topic, request.opts)
            node = client.identity.node
            return [Subscription(clientid, request.topic, request.opts, node) for request in requests]

    def unsubscribe(self, clientid: str, topic: str) -> None:
        self.bulk_unsubscribe(clientid, [topic])

    def bulk_unsubscribe(self, clientid: str, topics: Sequence[str]) -> None:
        for topic in topics:
            check_unsubscribe(topic)
        with self._lock:
            self._tick()
            client = self._find(clientid, keep=True)
            for topic in topics:
                clients.unsubscribe(client, topic)

    # The simulator's controls

    def status(self) -> Status:
        with self._lock:
            now = self._tick()
            setup = self._setup
            return Status(
                setup.scenario, setup.spec.seed, self.nodes, len(self._registry), setup.churn, now, self.clock.is_frozen
            )

    def reset(self) -> None:
        """Back to the start state of the current seed and scenario: every change undone."""
        self.regenerate(self._setup)

    def regenerate(self, setup: Setup) -> None:
        """A new population from `setup`, as of the clock's present instant for a new spec."""
        spec = setup.spec
        registry = Registry(population=build(spec))
        with self._lock:
            self._install(setup, registry, spec.now_ms)
            self._tick()

    def advance(self, seconds: float) -> int:
        with self._lock:
            self.clock.advance(seconds)
            return self._tick()

    def set_clock(self, at_ms: int | None = None, frozen: bool | None = None) -> int:
        with self._lock:
            if at_ms is not None:
                self.clock.set(at_ms)
            if frozen is True:
                self.clock.freeze()
            elif frozen is False:
                self.clock.resume()
            return self._tick()

    def export_state(self) -> dict[str, Any]:
        """The state as the spec the population is generated from, the generated clients that are gone, and
        every client that differs from its generated self (a million untouched clients take a few bytes)."""
        with self._lock:
            now = self._tick()
            setup = self._setup
            removed, kept = self._registry.changes()
            return {
                "format": FORMAT,
                "scenario": setup.scenario,
                "spec": {**asdict(setup.spec), "explicit": [dict(item) for item in setup.spec.explicit]},
                "churn": None if setup.churn is None else asdict(setup.churn),
                "clock": {"now_ms": now, "frozen": self.clock.is_frozen},
                "last_tick_ms": self._last_tick_ms,
                "removed": removed,
                "clients": [client_to_data(client) for client in kept],
            }

    def import_state(self, data: Any) -> None:
        """Replace the whole state with an exported one; nothing changes unless all of it is valid."""
        setup, registry, clock, last_tick = _read_state(data)
        with self._lock:
            self.clock.set(clock["now_ms"])
            if clock["frozen"]:
                self.clock.freeze()
            else:
                self.clock.resume()
            self._install(setup, registry, last_tick)

    def _tick(self) -> int:
        now = self.clock.now_ms()
        if self._arrive is not None and self._setup.churn is not None and now > self._last_tick_ms:
            churning.apply(
                self._setup.churn, self._registry, self._setup.spec.seed, self._last_tick_ms, now, self._arrive
            )
        self._last_tick_ms = max(self._last_tick_ms, now)
        self._registry.expire(now)
        return now

    def _find(self, clientid: str, keep: bool = False) -> Client:
        """The client; `keep` when the caller changes it, so the change lasts."""
        client = self._registry.touch(clientid) if keep else self._registry.get(clientid)
        if client is None:
            raise ClientNotFound(clientid)
        return client


def _read_state(data: Any) -> tuple[Setup, Registry, dict[str, Any], int]:
    if not isinstance(data, dict):
        raise InvalidState("state", "expected an object")
    if data.get("format") not in (FORMAT, FULL_FORMAT):
        raise InvalidState("format", f"expected {FORMAT!r} (or {FULL_FORMAT!r})")
    raw_spec = data.get("spec")
    if not isinstance(raw_spec, dict):
        raise InvalidState("spec", "expected an object")
    try:
        spec = PopulationSpec(**{**raw_spec, "protocols": tuple(raw_spec.get("protocols", (85, 8, 7))),
                                 "explicit": tuple(raw_spec.get("explicit", ()))})  # fmt: skip
        churn = None if data.get("churn") is None else Churn(**data["churn"])
    except TypeError as error:
        raise InvalidState("spec", str(error)) from None
    if not isinstance(spec.seed, int) or not isinstance(spec.nodes, int) or not 1 <= spec.nodes <= 250:
        raise InvalidState("spec", "seed and nodes must be integers, nodes from 1 to 250")
    if not isinstance(spec.clients, int) or not 0 <= spec.clients <= MAX_CLIENTS or not isinstance(spec.now_ms, int):
        raise InvalidState("spec", f"clients must be an integer from 0 to {MAX_CLIENTS}, now_ms an integer")
    weights = spec.protocols
    if len(weights) != 3 or not all(isinstance(w, int | float) and w >= 0 for w in weights) or not sum(weights):
        raise InvalidState("spec", "protocols must be 3 weights (MQTT, MQTT-SN, CoAP), not all 0")
    clock = data.get("clock")
    if (
        not isinstance(clock, dict)
        or not isinstance(clock.get("now_ms"), int)
        or not isinstance(clock.get("frozen"), bool)
    ):
        raise InvalidState("clock", "expected {now_ms: integer, frozen: boolean}")
    items = data.get("clients")
    if not isinstance(items, list):
        raise InvalidState("clients", "expected a list")
    loaded = [client_from_data(f"clients[{index}]", item) for index, item in enumerate(items)]
    if len({client.clientid for client in loaded}) != len(loaded):
        raise InvalidState("clients", "a clientid appears twice")
    last_tick = data.get("last_tick_ms", clock["now_ms"])
    if not isinstance(last_tick, int):
        raise InvalidState("last_tick_ms", "expected an integer")
    scenario = str(data.get("scenario", "default"))
    if data["format"] == FULL_FORMAT:
        return Setup(replace(spec), churn, scenario), Registry(loaded), clock, last_tick
    removed = data.get("removed", [])
    if not isinstance(removed, list) or not all(isinstance(clientid, str) for clientid in removed):
        raise InvalidState("removed", "expected a list of clientids")
    try:
        registry = Registry(population=build(spec))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidState("spec", f"cannot generate the population: {error}") from None
    registry.remove_many(removed)
    for client in loaded:
        registry.add(client)
    return Setup(replace(spec), churn, scenario), registry, clock, last_tick
