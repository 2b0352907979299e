"""The simulation service: one method per use case of the Clients API and of the simulator's controls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from simulator.domain import churn as churning
from simulator.domain import client as clients
from simulator.domain import paging
from simulator.domain.census import Census, Subscriptions, subscriptions
from simulator.domain.churn import Churn
from simulator.domain.client import Client, ConnState
from simulator.domain.clock import Clock
from simulator.domain.errors import ClientNotFound, InvalidRequest
from simulator.domain.population import PopulationSpec, Progress, arrivals, build, given_client, node_names
from simulator.domain.propagation import Propagation
from simulator.domain.query import ClientQuery, Page
from simulator.domain.registry import Registry
from simulator.domain.setup import Setup
from simulator.domain.snapshot import FORMAT, client_to_data
from simulator.domain.subscription import SubscribeRequest, Subscription, check_subscribe, check_unsubscribe

Check = Callable[[SubscribeRequest], None]
"""The rules a subscription is checked against (the Cloud contract's, or EMQX 5's)."""
Recorder = Callable[[dict[str, Any]], None]
"""Told of each change, as plain data, just before it is made (`simulator.durable` logs it); raising refuses it."""


@dataclass(frozen=True, slots=True)
class Revision:
    """What a read saw: the instant it was taken at, so every counter of a response agrees, and the version
    of the state it was taken from (any change makes a new version)."""

    now_ms: int
    version: int = 0


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
    def spec(self) -> PopulationSpec:
        return self._setup.spec

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
        """End the client's connection and session; it is gone from every view once the change is seen."""
        with self._lock:
            now = self._tick()
            self._find(clientid)
            self._record({"op": "kick", "clientid": clientid}, now)
            self._submit(now, lambda: self._registry.remove(clientid))

    def subscribe(self, clientid: str, request: SubscribeRequest, check: Check = check_subscribe) -> Subscription:
        return self.bulk_subscribe(clientid, [request], check)[0]

    def chunked_page(self, query: ClientQuery, number: int, limit: int) -> tuple[Page, Revision]:
        """Page `number` as EMQX 5 reads it (`paging.page`); `count` is None with a substring filter in effect."""
        with self._lock:
            now = self._tick()
            rows, keep = self._registry.scan(query)
            positions, hasnext = paging.page(keep, number, limit)
            count = None if query.fuzzy else rows.size
            chosen = rows[positions]
            page = Page(self._registry.clients(chosen), number, limit, hasnext, count, self._registry.run(chosen))
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

    # The simulator's controls

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

    def reset(self) -> None:
        """Back to the start state of the current seed and scenario: every change undone."""
        self.regenerate(self._setup)

    def regenerate(self, setup: Setup) -> None:
        """A new population from `setup`, as of the clock's present instant for a new spec."""
        spec = setup.spec
        registry = Registry(population=build(spec))
        with self._lock:
            self._record({"op": "regenerate", "setup": setup.data()}, self.clock.now_ms())
            previous = self._registry
            self._install(setup, registry, spec.now_ms)
            self._tick()
        previous.release()

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
