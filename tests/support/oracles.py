"""Reference implementations the fast code is checked against: plain scans and walks over whole clients."""

from __future__ import annotations

import random
from collections.abc import Iterable

from simulator.domain.churn import MINUTE_MS, Arrival, Churn, occurrences
from simulator.domain.client import Client, ConnState
from simulator.domain.population import Population, PopulationSpec, build
from simulator.domain.query import ClientQuery, Page
from simulator.domain.registry import Registry


def matches(query: ClientQuery, client: Client) -> bool:
    """Whether `client` passes every filter of `query`, read field by field."""
    ident = client.identity
    return (
        (query.clientid is None or ident.clientid in query.clientid)
        and (query.username is None or ident.username in query.username)
        and (query.node is None or ident.node == query.node)
        and (query.like_ip_address is None or query.like_ip_address in ident.ip_address)
        and (query.zone is None or ident.zone == query.zone)
        and (query.ip_address is None or ident.ip_address == query.ip_address)
        and (query.conn_state is None or client.state in query.conn_state)
        and (query.clean_start is None or ident.clean_start is query.clean_start)
        and (query.proto_name is None or ident.proto_name == query.proto_name)
        and (query.proto_ver is None or ident.proto_ver == query.proto_ver)
        and (query.clientid is not None or query.like_clientid is None or query.like_clientid in ident.clientid)
        and (query.username is not None or query.like_username is None or query.like_username in (ident.username or ""))
        and (query.gte_created_at is None or client.created_at_ms >= query.gte_created_at)
        and (query.lte_created_at is None or client.created_at_ms <= query.lte_created_at)
        and (query.gte_connected_at is None or client.connected_at_ms >= query.gte_connected_at)
        and (query.lte_connected_at is None or client.connected_at_ms <= query.lte_connected_at)
    )


def select(ordered: Iterable[Client], query: ClientQuery, page: int, limit: int) -> Page:
    """The `page`-th run of `limit` matching clients of `ordered`, with an exact count and `hasnext`."""
    start = (page - 1) * limit
    end = start + limit
    chosen: list[Client] = []
    matched = 0
    for client in ordered:
        if matches(query, client):
            if start <= matched < end:
                chosen.append(client)
            matched += 1
    return Page(clients=chosen, page=page, limit=limit, hasnext=matched > end, count=None if query.fuzzy else matched)


def descending(registry: Registry) -> list[Client]:
    """Every client of `registry`, in listing (clientid-descending byte) order: its clientids sorted here, not
    read from the order the registry keeps, so that the two can be checked against each other."""
    ordered = sorted({clientid for clientid in registry._ids if registry.get(clientid)}, key=str.encode, reverse=True)
    return [client for client in map(registry.get, ordered) if client is not None]


def all_clients(population: Population) -> list[Client]:
    """Every client of `population`, whole, in generation order."""
    return [*population.objects, *population.materialize_rows(list(range(len(population.core))))]


def generate(spec: PopulationSpec) -> list[Client]:
    """The documented clients, the explicit ones, then generated ones up to `spec.clients` in all."""
    return all_clients(build(spec))


def churn(churn: Churn, registry: Registry, seed: int, from_ms: int, to_ms: int, arrive: Arrival) -> None:
    """Churn as first written: every sampled client built whole, changed, and added back, one at a time."""
    for minute in range(from_ms // MINUTE_MS + 1, to_ms // MINUTE_MS + 1):
        at = minute * MINUTE_MS
        registry.expire(at)  # sessions ended by the minute are gone before it churns
        rng = random.Random(f"{seed}:churn:{minute}")
        connected = registry.ids_in_state(ConnState.CONNECTED)
        disconnected = registry.ids_in_state(ConnState.DISCONNECTED)
        ended: list[str] = []
        for clientid in rng.sample(
            connected, min(len(connected), occurrences(rng, len(connected) * churn.disconnects))
        ):
            client = registry.touch(clientid)
            assert client is not None
            if client.identity.expiry_interval == 0:
                ended.append(clientid)
                continue
            client.state = ConnState.DISCONNECTED
            client.disconnected_at_ms = max(at, client.connected_at_ms + 1)
            registry.add(client)
        registry.remove_many(ended)
        for clientid in rng.sample(
            disconnected, min(len(disconnected), occurrences(rng, len(disconnected) * churn.reconnects))
        ):
            client = registry.touch(clientid)
            if client is None or (client.expires_at_ms is not None and client.expires_at_ms <= at):
                continue
            client.state, client.connected_at_ms, client.disconnected_at_ms = ConnState.CONNECTED, at, None
            registry.add(client)
        for sequence in range(occurrences(rng, churn.arrivals)):
            newcomer = arrive(rng, minute * 1000 + sequence, at)
            if registry.get(newcomer.clientid) is None:
                registry.add(newcomer)
