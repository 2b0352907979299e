"""Handlers of what EMQX 5's dashboard overview polls: statistics, current rates, recent history, and every
subscription of the cluster, all counted from the simulated clients."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from simulator.api.emqx5.filters import listed
from simulator.deployment import Deployment
from simulator.domain.client import Client, ConnState
from simulator.reply import Reply

SAMPLE_MS = 10_000
"""EMQX's monitor keeps one sample every 10 s."""


@dataclass(frozen=True, slots=True)
class Gauges:
    """What the overview shows of a set of clients."""

    connections: int
    live: int
    subscriptions: int
    shared: int
    topics: int
    received: float
    sent: float
    payload: float

    @classmethod
    def of(cls, clients: list[Client]) -> Gauges:
        filters = [topic for client in clients for topic in client.subscriptions]
        live = [client for client in clients if client.state is ConnState.CONNECTED]
        received = sum(sum(client.traffic.recv_rates) for client in live)
        sent = sum(sum(client.traffic.send_rates) for client in live)
        weighted = sum(sum(client.traffic.recv_rates) * (client.traffic.payload_bytes + 20) for client in live)
        return cls(
            connections=len(clients),
            live=len(live),
            subscriptions=len(filters),
            shared=sum(1 for topic in filters if topic.startswith(("$share/", "$queue/"))),
            topics=len(set(filters)),
            received=received,
            sent=sent,
            payload=weighted / received if received else 64.0,
        )


def getStats(deployment: Deployment, aggregate: bool = False) -> Reply:
    simulation = deployment.simulation
    if aggregate:
        clients, _ = simulation.matching(listed())
        return Reply(body=_stats(Gauges.of(clients)))
    nodes = []
    for node in simulation.nodes:
        clients, _ = simulation.matching(listed(node))
        nodes.append({"node": node, **_stats(Gauges.of(clients))})
    return Reply(body=nodes)


def getMonitorCurrent(deployment: Deployment) -> Reply:
    clients, _ = deployment.simulation.matching(listed())
    gauges = Gauges.of(clients)
    return Reply(
        body={
            "received_msg_rate": round(gauges.received),
            "sent_msg_rate": round(gauges.sent),
            "dropped_msg_rate": 0,
            "received_bytes_rate": round(gauges.received * gauges.payload),
            "sent_bytes_rate": round(gauges.sent * gauges.payload),
            "connections": gauges.connections,
            "live_connections": gauges.live,
            "subscriptions": gauges.subscriptions,
            "shared_subscriptions": gauges.shared,
            "topics": gauges.topics,
            "retained_msg_count": 0,
        }
    )


def getMonitor(deployment: Deployment, latest: int = 3600) -> Reply:
    """Samples of the last `latest` seconds: today's gauges, with traffic that varies from sample to sample
    (drawn from the seed and the sample's instant, so a sample is the same every time it is read)."""
    simulation = deployment.simulation
    clients, now = simulation.matching(listed())
    gauges = Gauges.of(clients)
    last = now - now % SAMPLE_MS
    samples = []
    for at in range(last - (latest * 1000 // SAMPLE_MS) * SAMPLE_MS + SAMPLE_MS, last + 1, SAMPLE_MS):
        rng = random.Random(f"{simulation.spec.seed}:monitor:{at}")
        received = round(gauges.received * 10 * rng.uniform(0.8, 1.2))
        sent = round(gauges.sent * 10 * rng.uniform(0.8, 1.2))
        samples.append(
            {
                "time_stamp": at,
                "connections": gauges.connections,
                "live_connections": gauges.live,
                "subscriptions": gauges.subscriptions,
                "topics": gauges.topics,
                "received": received,
                "sent": sent,
                "dropped": 0,
                "received_bytes": round(received * gauges.payload),
                "sent_bytes": round(sent * gauges.payload),
            }
        )
    return Reply(body=samples)


def listAllSubscriptions(
    deployment: Deployment,
    page: int = 1,
    limit: int = 100,
    clientid: str | None = None,
    qos: int | None = None,
    topic: str | None = None,
) -> Reply:
    query = replace(listed(), clientid=None if clientid is None else (clientid,))
    clients, _ = deployment.simulation.matching(query)
    found: list[dict[str, Any]] = [
        {
            "node": client.identity.node,
            "clientid": client.clientid,
            "topic": held,
            "qos": opts.qos,
            "nl": opts.nl,
            "rap": opts.rap,
            "rh": opts.rh,
            "durable": False,
        }
        for client in clients
        for held, opts in client.subscriptions.items()
        if (qos is None or opts.qos == qos) and (topic is None or held == topic)
    ]
    start = (page - 1) * limit
    meta = {"page": page, "limit": limit, "hasnext": len(found) > start + limit}
    return Reply(body={"data": found[start : start + limit], "meta": meta})


def _stats(gauges: Gauges) -> dict[str, int]:
    counts = {
        "connections": gauges.connections,
        "live_connections": gauges.live,
        "sessions": gauges.connections,
        "channels": gauges.connections,
        "topics": gauges.topics,
        "subscriptions": gauges.subscriptions,
        "subscriptions.shared": gauges.shared,
        "suboptions": gauges.subscriptions,
        "subscribers": gauges.subscriptions,
        "retained": 0,
        "delayed": 0,
    }
    return {f"{name}.{kind}": value for name, value in counts.items() for kind in ("count", "max")}
