"""Thin handlers of the control API's isolated deployments and of the clients it puts in place."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from simulator.deployment import Deployment
from simulator.deployments import DEFAULT_ID, Deployments, Member
from simulator.domain.clock import format_instant, parse_instant
from simulator.domain.errors import InvalidRequest, NotFound
from simulator.reply import NO_CONTENT, Reply
from simulator.scenarios import check_name


def _peers(deployment: Deployment) -> Deployments:
    assert deployment.peers is not None, "every deployment of a server knows its peers"
    return deployment.peers


def _visible(deployment: Deployment) -> list[Member]:
    """The deployments a caller may see: all of them for the default deployment's credentials, only its own
    for an isolated deployment's (so that parallel tests cannot reach each other's)."""
    peers = _peers(deployment)
    if deployment is peers.default.deployment:
        return list(peers)
    return [member for member in peers if member.deployment is deployment]


def deployment_view(member: Member) -> dict[str, Any]:
    status = member.deployment.simulation.status()
    return {
        "id": member.id,
        "app_id": member.config.app_id,
        "app_secret": member.config.app_secret,
        "dialect": member.config.dialect,
        "created_at": format_instant(int(member.created_at_s * 1000)),
        "scenario": status.scenario,
        "seed": status.seed,
        "nodes": status.nodes,
        "clients": status.clients,
        "churn": status.churn is not None,
        "clock": {"now": format_instant(status.now_ms), "now_ms": status.now_ms, "frozen": status.frozen},
    }


def listDeployments(deployment: Deployment) -> Reply:
    _peers(deployment).sweep()
    members = _visible(deployment)
    ttl = _peers(deployment).limits.ttl_s
    meta = {"count": len(members), "idle_ttl_s": ttl}
    return Reply(body={"data": [deployment_view(member) for member in members], "meta": meta})


async def createDeployment(deployment: Deployment, body: dict[str, Any]) -> Reply:
    peers = _peers(deployment)
    base = peers.default.config
    name = body.get("scenario", "default")
    check_name(name)
    peers.default.deployment.catalog.find(name)  # an unknown name is refused before anything is built
    clock = body.get("clock", "real")
    try:
        frozen_at = None if clock == "real" else parse_instant(clock)
    except ValueError:
        raise InvalidRequest(f"clock: {clock!r} is neither 'real' nor an RFC 3339 instant") from None
    config = dataclasses.replace(
        base,
        scenario=name,
        seed=body.get("seed"),
        clients=body.get("clients"),
        nodes=body.get("nodes"),
        churn=body.get("churn", False),
        frozen_at_ms=frozen_at,
        dialect=body.get("dialect", base.dialect),
        propagation_ms=None,
    )
    # Building a large population takes a while: the server answers other requests meanwhile.
    member = await asyncio.to_thread(peers.create, config)
    return Reply(201, body=deployment_view(member))


def getDeployment(deployment: Deployment, id: str) -> Reply:
    return Reply(body=deployment_view(_find(deployment, id)))


def deleteDeployment(deployment: Deployment, id: str) -> Reply:
    if id == DEFAULT_ID:
        raise InvalidRequest("The default deployment cannot be removed")
    _find(deployment, id)
    _peers(deployment).remove(id)
    return NO_CONTENT


def putClient(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    client, new = deployment.simulation.put_client(clientid, body)
    view = deployment.cache.view(client, deployment.simulation.clock.now_ms())
    return Reply(201 if new else 200, body=view)


def _find(deployment: Deployment, id: str) -> Member:
    for member in _visible(deployment):
        if member.id == id:
            return member
    raise NotFound(f"No deployment {id}")
