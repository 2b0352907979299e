"""Handlers of EMQX 5's client lists and per-client operations: unpack, call the simulation once, answer."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from simulator.api.emqx5.filters import LISTED, fields_of, listed, query_of
from simulator.deployment import Deployment
from simulator.domain.client import Client
from simulator.domain.errors import ClientNotFound, InvalidRequest, UnknownNode
from simulator.reply import NO_CONTENT, Reply

CURSOR_VERSION = 1


def listClients(
    deployment: Deployment, page: int = 1, limit: int = 100, fields: str | None = None, **filters: Any
) -> Reply:
    simulation = deployment.simulation
    node = filters.get("node")
    if node is not None and node not in simulation.nodes:
        raise UnknownNode(node)
    query = query_of(filters)
    shown = fields_of(fields)

    if shown is None:
        return Reply(
            raw=deployment.cache.listing(
                (query, page, limit),
                simulation.revision(),
                lambda: simulation.chunked_page(query, page, limit, deployment.cache.joined),
            )
        )
    listing, revision = simulation.chunked_page(query, page, limit)
    meta = {"page": page, "limit": limit, "hasnext": listing.hasnext}
    if listing.count is not None:
        meta["count"] = listing.count
    data = [_projected(deployment, client, revision.now_ms, shown) for client in listing.clients]
    return Reply(body={"data": data, "meta": meta})


def listClientsV2(
    deployment: Deployment, limit: int = 100, cursor: str | None = None, fields: str | None = None, **filters: Any
) -> Reply:
    fields_of(fields)  # checked, then every field is answered, as EMQX does
    after = None if cursor is None else _after(cursor)
    filters.pop("node", None)
    clients, following, now = deployment.simulation.cursor_page(query_of(filters), after, limit)
    data = b",".join(deployment.cache.clients(clients, now))
    meta: dict[str, Any] = {"count": len(clients)}
    if following is not None:
        meta["cursor"] = _cursor(following)
    return Reply(raw=b'{"data":[' + data + b'],"meta":' + orjson.dumps(meta) + b"}")


def getClient(deployment: Deployment, clientid: str) -> Reply:
    client, now = _listed(deployment, clientid)
    return Reply(raw=deployment.cache.client(client, now))


def kickClient(deployment: Deployment, clientid: str) -> Reply:
    _listed(deployment, clientid)
    deployment.simulation.kick(clientid)
    return NO_CONTENT


def bulkKick(deployment: Deployment, body: list[str] | None = None) -> Reply:
    deployment.simulation.kick_many(body or [])
    return NO_CONTENT


def setKeepalive(deployment: Deployment, clientid: str, body: dict[str, Any] | None = None) -> Reply:
    if not body or "interval" not in body:
        raise InvalidRequest("Interval Not Found")
    _listed(deployment, clientid)
    client, revision = deployment.simulation.set_keepalive(clientid, body["interval"])
    return Reply(raw=deployment.cache.client(client, revision.now_ms))


def sessionsCount(deployment: Deployment, since: int = 0) -> Reply:
    return Reply(body=deployment.simulation.count(listed()))


def _listed(deployment: Deployment, clientid: str) -> tuple[Client, int]:
    """A client EMQX 5 would list (connected or with a session, MQTT), and the instant of the read."""
    client, revision = deployment.simulation.get_client(clientid)
    if client.state not in LISTED or client.identity.proto_name != "MQTT":
        raise ClientNotFound(clientid)
    return client, revision.now_ms


def _projected(deployment: Deployment, client: Client, now_ms: int, fields: tuple[str, ...]) -> dict[str, Any]:
    view = deployment.cache.view(client, now_ms)
    wanted = set(fields)
    return {name: value for name, value in view.items() if name in wanted}


def _cursor(after: str) -> str:
    """An opaque cursor: the clientid the next page starts after."""
    return base64.urlsafe_b64encode(orjson.dumps([CURSOR_VERSION, after])).decode("ascii").rstrip("=")


def _after(cursor: str) -> str:
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        decoded = None
    if not (isinstance(decoded, list) and len(decoded) == 2 and decoded[0] == CURSOR_VERSION):
        raise InvalidRequest("bad cursor")
    if not isinstance(decoded[1], str):
        raise InvalidRequest("bad cursor")
    after: str = decoded[1]
    return after
