"""The simulation service: one method per use case of the Clients API and of the simulator's controls."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, replace
from typing import Any

from simulator.controls import Controls
from simulator.controls import Status as Status
from simulator.domain import churn as churning
from simulator.domain import client as clients
from simulator.domain import paging
from simulator.domain.census import Subscriptions
from simulator.domain.churn import Churn
from simulator.domain.client import Client
from simulator.domain.clock import Clock
from simulator.domain.errors import ClientNotFound
from simulator.domain.population import PopulationSpec, Progress, arrivals, build, node_names
from simulator.domain.propagation import Propagation
from simulator.domain.query import ClientQuery, Page
from simulator.domain.query import Revision as Revision
from simulator.domain.registry import Registry
from simulator.domain.setup import Setup
from simulator.domain.subscription import SubscribeRequest, Subscription, check_subscribe, check_unsubscribe

Check = Callable[[SubscribeRequest], None]
"""The rules a subscription is checked against (the Cloud contract's, or EMQX 5's)."""
Recorder = Callable[[dict[str, Any]], None]
"""Told of each change, as plain data, just before it is made (`simulator.durable` logs it); raising refuses it."""
Serialized = Callable[[int, Hashable], bytes | None]
"""The clients of a page's `run` serialized at an instant (`now_ms`, first) and joined, if they were
(`ByteCache.joined`)."""


class Simulation(Controls):
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
        self.propagation = Propagation(spec.seed)
        """How long kicks and subscription changes take to be seen (none by default)."""
        self._seen_at_ms: int | None = None
        self._subscribed: tuple[tuple[int, int], Subscriptions] | None = None
        """The subscriptions the last census read, by the registry's version and the sample's size."""
        self.recorder: Recorder | None = None
        self._install(
            Setup(spec, churn, scenario), Registry(population=build(spec, progress), progress=progress), spec.now_ms
        )

    @property
    def lock(self) -> threading.RLock:
        """Every method holds it: held around several calls, nothing changes between them."""
        return self._lock

    @property
    def seen_until_ms(self) -> int:
        """How far the clock has been seen: churn and session expiry have run up to there."""
        return self._last_tick_ms

    def _record(self, change: dict[str, Any], at_ms: int) -> None:
        """Tell the recorder of a change made at `at_ms`, after the clock has been seen up to `tick`."""
        if self.recorder is not None:
            self.recorder({**change, "at": at_ms, "tick": self._last_tick_ms})

    def _install(self, setup: Setup, registry: Registry, last_tick_ms: int) -> None:
        self.propagation.clear()
        self._setup = setup
        self.nodes = node_names(setup.spec.nodes)
        self._registry = registry
        self._last_tick_ms = last_tick_ms
        self._arrive = arrivals(setup.spec) if setup.churn is not None else None
        if setup.churn is not None:
            churning.prepare(setup.churn, registry, setup.spec.seed)

    def _caught_up(self, setup: Setup, registry: Registry) -> int:
        """Churn on a new registry, not yet served, from its spec's instant up to now (when each client next changes
        worked out first: seconds at 10,000,000 clients), so that, swapped in under the lock, it has at most part of
        a minute to catch up (one of the first minutes of 10,000,000 new clients takes 50-130 ms); how far it was
        seen."""
        last, now = setup.spec.now_ms, self.clock.now_ms()
        if setup.churn is None:
            return last
        churning.prepare(setup.churn, registry, setup.spec.seed)
        if now <= last:
            return last
        churning.apply(setup.churn, registry, setup.spec.seed, last, now, arrivals(setup.spec))
        return now

    # The emulated API

    def list_clients(
        self, query: ClientQuery, page: int, limit: int, joined: Serialized | None = None
    ) -> tuple[Page, Revision]:
        """The page; its clients are not built when `joined` has them serialized at the read's instant already."""
        with self._lock:
            now = self._tick()
            known = None if joined is None else functools.partial(joined, now)
            return self._registry.select(query, page, limit, known), Revision(now, self._registry.version)

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
        """End the client's connection and session; it is gone from every view once the change is seen."""
        with self._lock:
            now = self._tick()
            self._find(clientid)
            self._record({"op": "kick", "clientid": clientid}, now)
            self._submit(now, lambda: self._registry.remove(clientid))

    def subscribe(self, clientid: str, request: SubscribeRequest, check: Check = check_subscribe) -> Subscription:
        return self.bulk_subscribe(clientid, [request], check)[0]

    def chunked_page(
        self, query: ClientQuery, number: int, limit: int, joined: Serialized | None = None
    ) -> tuple[Page, Revision]:
        """Page `number` as EMQX 5 reads it (`paging.page`); `count` is None with a substring filter in effect.
        Its clients are not built when `joined` has them serialized at the read's instant already."""
        with self._lock:
            now = self._tick()
            rows, keep = self._registry.scan(query)
            positions, hasnext = paging.page(keep, number, limit)
            count = None if query.fuzzy else rows.size
            known = None if joined is None else functools.partial(joined, now)
            page = self._registry.page(rows[positions], number, limit, hasnext, count, known)
            return page, Revision(now, self._registry.version)

    def cursor_page(self, query: ClientQuery, after: str | None, limit: int) -> tuple[list[Client], str | None, int]:
        """A `clients_v2` page after the clientid `after` (`paging.cursor_page`), the clientid the next page starts
        after (None at the end), and the instant of the read."""
        with self._lock:
            now = self._tick()
            rows, keep = self._registry.scan(query, after)
            positions, last = paging.cursor_page(keep, limit)
            following = None if last is None else self._registry.clientid(int(rows[last]))
            return self._registry.clients(rows[positions]), following, now

    def matching(self, query: ClientQuery) -> tuple[list[Client], int]:
        """Every client `query` matches, whole, in listing order, and the instant of the read."""
        with self._lock:
            now = self._tick()
            rows, keep = self._registry.scan(query)
            return self._registry.clients(rows[keep]), now

    def count(self, query: ClientQuery) -> int:
        with self._lock:
            self._tick()
            return self._registry.count(query)

    def kick_many(self, clientids: Sequence[str]) -> None:
        """End these clients' connections and sessions; clientids of no client are passed over."""
        with self._lock:
            now = self._tick()
            gone = list(clientids)
            self._record({"op": "kick_many", "clientids": gone}, now)
            self._submit(now, lambda: self._registry.remove_many(gone))

    def clear_authorization_cache(self, clientid: str) -> None:
        with self._lock:
            now = self._tick()
            client = self._find(clientid, keep=True)
            self._record({"op": "authz_clear", "clientid": clientid}, now)
            client.authz_cleared_at_ms = now

    def set_keepalive(self, clientid: str, interval: int) -> tuple[Client, Revision]:
        with self._lock:
            now = self._tick()
            client = self._find(clientid, keep=True)
            self._record({"op": "keepalive", "clientid": clientid, "interval": interval}, now)
            client.identity = replace(client.identity, keepalive=interval)
            self._registry.add(client)
            return client, Revision(now)

    def bulk_subscribe(
        self,
        clientid: str,
        requests: Sequence[SubscribeRequest],
        check: Callable[[SubscribeRequest], None] = check_subscribe,
    ) -> list[Subscription]:
        """Subscribe to each filter in order, after checking them all (with `check`); a filter over the quota is
        dropped."""
        for request in requests:
            check(request)
        with self._lock:
            now = self._tick()
            node = self._find(clientid).identity.node
            if self.recorder is not None:  # spares the plain data when nothing logs it
                made = [[request.topic, asdict(request.opts)] for request in requests]
                self._record({"op": "subscribe", "clientid": clientid, "subscriptions": made}, now)

            def change() -> None:
                client = self._registry.touch(clientid)
                if client is not None:
                    for request in requests:
                        clients.subscribe(client, request.topic, request.opts)

            self._submit(now, change)
            return [Subscription(clientid, request.topic, request.opts, node) for request in requests]

    def unsubscribe(self, clientid: str, topic: str) -> None:
        self.bulk_unsubscribe(clientid, [topic])

    def bulk_unsubscribe(
        self, clientid: str, topics: Sequence[str], check: Callable[[str], object] = check_unsubscribe
    ) -> None:
        for topic in topics:
            check(topic)
        with self._lock:
            now = self._tick()
            self._find(clientid)
            self._record({"op": "unsubscribe", "clientid": clientid, "topics": list(topics)}, now)

            def change() -> None:
                client = self._registry.touch(clientid)
                if client is not None:
                    for topic in topics:
                        clients.unsubscribe(client, topic)

            self._submit(now, change)

    def take_seen_at(self) -> int | None:
        """When the last change made is (or will be) seen, and forget it: for the journal of its request."""
        with self._lock:
            seen, self._seen_at_ms = self._seen_at_ms, None
            return seen

    def _submit(self, now: int, change: Callable[[], None]) -> None:
        self._seen_at_ms = self.propagation.submit(now, change)

    def _tick(self) -> int:
        now = self.clock.now_ms()
        if self._arrive is not None and self._setup.churn is not None and now > self._last_tick_ms:
            churning.apply(
                self._setup.churn, self._registry, self._setup.spec.seed, self._last_tick_ms, now, self._arrive
            )
        self._last_tick_ms = max(self._last_tick_ms, now)
        self.propagation.apply_due(now)
        self._registry.expire(now)
        return now

    def _find(self, clientid: str, keep: bool = False) -> Client:
        """The client; `keep` when the caller changes it, so the change lasts."""
        client = self._registry.touch(clientid) if keep else self._registry.get(clientid)
        if client is None:
            raise ClientNotFound(clientid)
        return client
