"""The simulation service: one method per use case of the Clients API, over the registry and the clock."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.domain import client as clients
from simulator.domain.client import Client
from simulator.domain.clock import Clock
from simulator.domain.errors import ClientNotFound
from simulator.domain.population import PopulationSpec, generate, node_names
from simulator.domain.query import ClientQuery, Page, select
from simulator.domain.registry import Registry
from simulator.domain.subscription import SubscribeRequest, Subscription, check_subscribe, check_unsubscribe


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a read saw: the instant it was taken at, so every counter of a response agrees."""

    now_ms: int


class Simulation:
    """A simulated EMQX deployment. Every method is atomic: concurrent calls never see half-applied state."""

    def __init__(self, clock: Clock, spec: PopulationSpec) -> None:
        self.clock = clock
        self.spec = spec
        self.nodes = node_names(spec.nodes)
        self._registry = Registry(generate(spec))
        self._lock = threading.RLock()

    @classmethod
    def generated(cls, clock: Clock, seed: int, size: int, nodes: int) -> Simulation:
        return cls(clock, PopulationSpec(seed=seed, clients=size, nodes=nodes, now_ms=clock.now_ms()))

    def reset(self) -> None:
        """Back to the population as generated at start: every kick and subscription undone."""
        registry = Registry(generate(self.spec))
        with self._lock:
            self._registry = registry

    def list_clients(self, query: ClientQuery, page: int, limit: int) -> tuple[Page, Snapshot]:
        with self._lock:
            now = self._tick()
            return select(self._registry.descending(), query, page, limit), Snapshot(now)

    def get_client(self, clientid: str) -> tuple[Client, Snapshot]:
        with self._lock:
            now = self._tick()
            return self._find(clientid), Snapshot(now)

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
            client = self._find(clientid)
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
            client = self._find(clientid)
            for topic in topics:
                clients.unsubscribe(client, topic)

    def size(self) -> int:
        with self._lock:
            self._tick()
            return len(self._registry)

    def _tick(self) -> int:
        now = self.clock.now_ms()
        self._registry.expire(now)
        return now

    def _find(self, clientid: str) -> Client:
        client = self._registry.get(clientid)
        if client is None:
            raise ClientNotFound(clientid)
        return client
