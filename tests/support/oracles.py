"""Reference implementations the fast code is checked against: plain scans and walks over whole clients."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

import numpy as np

from simulator.domain.churn import MINUTE_MS, Arrival, Churn, occurrences
from simulator.domain.client import Client, ConnState
from simulator.domain.population import Population, PopulationSpec, build
from simulator.domain.population.details import draw, mixed
from simulator.domain.query import ClientQuery, Page
from simulator.domain.registry import Registry
from simulator.domain.search import fixed_width, hashes_of


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


def churn(
    churn: Churn, clients: dict[str, Client], seed: int, floor_ms: int, from_ms: int, to_ms: int, arrive: Arrival
) -> None:
    """Churn as its rules read, minute by minute and client by client, over a plain dict of whole clients: a
    client's next change is its state's geometric wait (its own draw, `math.log1p`, the same float operations as
    `timetable.next_due`) from when it got its state
    (or `floor_ms`, if earlier); a disconnected client whose session ends first is gone then instead."""
    waits: dict[tuple[str, ConnState, int], int | None] = {}

    def due(client: Client) -> int | None:
        since = client.disconnected_at_ms if client.state is ConnState.DISCONNECTED else client.connected_at_ms
        assert since is not None
        key = (client.clientid, client.state, since)
        if key not in waits:
            chance = {ConnState.CONNECTED: churn.disconnects, ConnState.DISCONNECTED: churn.reconnects}.get(
                client.state, 0.0
            )
            anchor = max(since // MINUTE_MS, floor_ms // MINUTE_MS)
            code = 0 if client.state is ConnState.CONNECTED else 2
            stream = int(hashes_of(fixed_width([client.clientid]))[0]) ^ int(mixed(np.array([seed], np.uint64))[0])
            drawn = float(draw(np.array([stream], np.uint64), np.array([anchor * 4 + code]))[0])
            if chance <= 0:
                minute = None
            elif chance >= 1:
                minute = anchor + 1
            else:
                minute = anchor + 1 + math.floor(math.log1p(-drawn) * (1 / math.log1p(-chance)))
            if minute is not None and client.expires_at_ms is not None and minute * MINUTE_MS >= client.expires_at_ms:
                minute = None  # its session ends first
            waits[key] = minute
        return waits[key]

    for minute in range(from_ms // MINUTE_MS + 1, to_ms // MINUTE_MS + 1):
        at = minute * MINUTE_MS
        for clientid, client in list(clients.items()):
            if client.expires_at_ms is not None and client.expires_at_ms <= at:
                del clients[clientid]  # sessions ended by the minute are gone before it churns
        for clientid, client in list(clients.items()):
            when = due(client)
            if when is None or when > minute:
                continue
            if client.state is ConnState.CONNECTED:
                if client.identity.expiry_interval == 0:
                    del clients[clientid]
                else:
                    client.state = ConnState.DISCONNECTED
                    client.disconnected_at_ms = max(at, client.connected_at_ms + 1)
            else:
                client.state, client.connected_at_ms, client.disconnected_at_ms = ConnState.CONNECTED, at, None
        rng = random.Random(f"{seed}:churn:{minute}")
        for sequence in range(occurrences(rng, churn.arrivals)):
            newcomer = arrive(rng, minute * 1000 + sequence, at)
            clients.setdefault(newcomer.clientid, newcomer)
