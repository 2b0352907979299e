"""Handlers of the Clients API operations: unpack parameters, call the simulation once, return the view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from connexion.context import scope
from starlette.responses import Response

from simulator import views
from simulator.domain.client import ConnState, SubOpts
from simulator.domain.query import ClientQuery, canonical_ip, epoch_ms
from simulator.domain.subscription import SubscribeRequest
from simulator.runtime import Runtime


def _runtime() -> Runtime:
    runtime: Runtime = scope["state"]["runtime"]
    return runtime


def _bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _no_content() -> Response:
    return Response(status_code=204)


def _ms(value: int | None) -> int | None:
    return None if value is None else epoch_ms(value)


def _request(item: dict[str, Any]) -> SubscribeRequest:
    opts = SubOpts(qos=item.get("qos", 0), nl=item.get("nl", 0), rap=item.get("rap", 0), rh=item.get("rh", 0))
    return SubscribeRequest(topic=item["topic"], opts=opts)


def list_page(runtime: Runtime, arguments: Mapping[str, Any]) -> bytes:
    """The page `GET /clients` answers for these (validated) query arguments."""
    ip, state = arguments.get("ip_address"), arguments.get("conn_state")
    query = ClientQuery(
        clientid=arguments.get("clientid"),
        username=arguments.get("username"),
        zone=arguments.get("zone"),
        ip_address=None if ip is None else canonical_ip(ip),
        conn_state=None if state is None else ConnState(state),
        clean_start=arguments.get("clean_start"),
        proto_name=arguments.get("proto_name"),
        proto_ver=arguments.get("proto_ver"),
        like_clientid=arguments.get("_like_clientid"),
        like_username=arguments.get("_like_username"),
        gte_created_at=_ms(arguments.get("_gte_created_at")),
        lte_created_at=_ms(arguments.get("_lte_created_at")),
        gte_connected_at=_ms(arguments.get("_gte_connected_at")),
        lte_connected_at=_ms(arguments.get("_lte_connected_at")),
    )
    page, limit = arguments.get("_page", 1), arguments.get("_limit", 100)
    simulation = runtime.simulation
    return runtime.renderer.listing(
        (query, page, limit), simulation.revision(), lambda: simulation.list_clients(query, page, limit)
    )


def client_bytes(runtime: Runtime, clientid: str) -> bytes:
    """The client `GET /clients/{clientid}` answers."""
    client, snapshot = runtime.simulation.get_client(clientid)
    return runtime.renderer.client(client, snapshot.now_ms)


async def listClients(
    _page: int = 1,
    _limit: int = 100,
    clientid: str | None = None,
    username: str | None = None,
    zone: str | None = None,
    ip_address: str | None = None,
    conn_state: str | None = None,
    clean_start: bool | None = None,
    proto_name: str | None = None,
    proto_ver: int | None = None,
    _like_clientid: str | None = None,
    _like_username: str | None = None,
    _gte_created_at: int | None = None,
    _lte_created_at: int | None = None,
    _gte_connected_at: int | None = None,
    _lte_connected_at: int | None = None,
) -> Response:
    arguments = {name: value for name, value in locals().items() if value is not None}
    return _bytes(list_page(_runtime(), arguments))


async def getClient(clientid: str) -> Response:
    return _bytes(client_bytes(_runtime(), clientid))


async def kickClient(clientid: str) -> Response:
    _runtime().simulation.kick(clientid)
    return _no_content()


def change_subscriptions(runtime: Runtime, operation: str, clientid: str, body: Any) -> Any | None:
    """Apply one of the four (validated) subscription operations; the object it answers, or None for 204."""
    simulation = runtime.simulation
    if operation == "subscribe":
        return views.subscription_view(simulation.subscribe(clientid, _request(body)))
    if operation == "bulkSubscribe":
        subscriptions = simulation.bulk_subscribe(clientid, [_request(item) for item in body])
        return [views.subscription_view(subscription) for subscription in subscriptions]
    if operation == "unsubscribe":
        simulation.unsubscribe(clientid, body["topic"])
    else:
        simulation.bulk_unsubscribe(clientid, [item["topic"] for item in body])
    return None


def _changed(answer: Any | None) -> Response:
    return _no_content() if answer is None else _bytes(orjson.dumps(answer))


async def subscribe(clientid: str, body: dict[str, Any]) -> Response:
    return _changed(change_subscriptions(_runtime(), "subscribe", clientid, body))


async def unsubscribe(clientid: str, body: dict[str, Any]) -> Response:
    return _changed(change_subscriptions(_runtime(), "unsubscribe", clientid, body))


async def bulkSubscribe(clientid: str, body: list[dict[str, Any]]) -> Response:
    return _changed(change_subscriptions(_runtime(), "bulkSubscribe", clientid, body))


async def bulkUnsubscribe(clientid: str, body: list[dict[str, Any]]) -> Response:
    return _changed(change_subscriptions(_runtime(), "bulkUnsubscribe", clientid, body))
