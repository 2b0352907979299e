"""Handlers of the Clients API operations: unpack the arguments, call the simulation once, return the view."""

from __future__ import annotations

from typing import Any

from simulator import views
from simulator.deployment import Deployment
from simulator.domain.client import ConnState
from simulator.domain.query import ClientQuery, canonical_ip, epoch_ms
from simulator.domain.subscription import SubscribeRequest, Subscription
from simulator.reply import NO_CONTENT, Reply


def _ms(value: int | None) -> int | None:
    return None if value is None else epoch_ms(value)


def _values(given: list[str] | None) -> tuple[str, ...] | None:
    return None if given is None else tuple(given)


def listClients(deployment: Deployment, _page: int = 1, _limit: int = 100, **filters: Any) -> Reply:
    ip, state = filters.get("ip_address"), filters.get("conn_state")
    query = ClientQuery(
        clientid=_values(filters.get("clientid")),
        username=_values(filters.get("username")),
        zone=filters.get("zone"),
        ip_address=None if ip is None else canonical_ip(ip),
        conn_state=None if state is None else (ConnState(state),),
        clean_start=filters.get("clean_start"),
        proto_name=filters.get("proto_name"),
        proto_ver=filters.get("proto_ver"),
        like_clientid=filters.get("_like_clientid"),
        like_username=filters.get("_like_username"),
        gte_created_at=_ms(filters.get("_gte_created_at")),
        lte_created_at=_ms(filters.get("_lte_created_at")),
        gte_connected_at=_ms(filters.get("_gte_connected_at")),
        lte_connected_at=_ms(filters.get("_lte_connected_at")),
    )
    simulation = deployment.simulation
    page = deployment.cache.listing(
        (query, _page, _limit),
        simulation.revision(),
        lambda: simulation.list_clients(query, _page, _limit, deployment.cache.joined),
    )
    return Reply(raw=page)


def getClient(deployment: Deployment, clientid: str) -> Reply:
    client, revision = deployment.simulation.get_client(clientid)
    return Reply(raw=deployment.cache.client(client, revision.now_ms))


def kickClient(deployment: Deployment, clientid: str) -> Reply:
    deployment.simulation.kick(clientid)
    return NO_CONTENT


def bulkKick(deployment: Deployment, body: list[str]) -> Reply:
    deployment.simulation.kick_many(body)
    return NO_CONTENT


def listSubscriptions(deployment: Deployment, clientid: str) -> Reply:
    client, _ = deployment.simulation.get_client(clientid)
    node = client.identity.node
    return Reply(
        body=[
            {**views.subscription_view(Subscription(clientid, topic, opts, node)), "durable": False}
            for topic, opts in client.subscriptions.items()
        ]
    )


def subscribe(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    return Reply(body=views.subscription_view(deployment.simulation.subscribe(clientid, SubscribeRequest.of(body))))


def bulkSubscribe(deployment: Deployment, clientid: str, body: list[dict[str, Any]]) -> Reply:
    subscriptions = deployment.simulation.bulk_subscribe(clientid, [SubscribeRequest.of(item) for item in body])
    return Reply(body=[views.subscription_view(subscription) for subscription in subscriptions])


def unsubscribe(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    deployment.simulation.unsubscribe(clientid, body["topic"])
    return NO_CONTENT


def bulkUnsubscribe(deployment: Deployment, clientid: str, body: list[dict[str, Any]]) -> Reply:
    deployment.simulation.bulk_unsubscribe(clientid, [item["topic"] for item in body if "topic" in item])
    return NO_CONTENT
