"""Thin handlers of the control API, one per operationId: unpack, call the deployment once, return the view."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from simulator.aside import build_aside
from simulator.control.deployments import (  # the operations of isolated deployments, resolved from here
    createDeployment as createDeployment,
)
from simulator.control.deployments import deleteDeployment as deleteDeployment
from simulator.control.deployments import getDeployment as getDeployment
from simulator.control.deployments import listDeployments as listDeployments
from simulator.control.deployments import putClient as putClient
from simulator.deployment import Deployment
from simulator.domain.census import Census
from simulator.domain.client import Client, ConnState
from simulator.domain.clock import format_instant, parse_instant
from simulator.domain.errors import InvalidRequest, NotFound
from simulator.domain.setup import Setup
from simulator.faults import Rule
from simulator.history import Sample
from simulator.journal import Entry
from simulator.memory import reuse_request_blocks, trim
from simulator.reply import NO_CONTENT, Reply
from simulator.scenarios import ScenarioError, check_name, from_data, setup_for
from simulator.service import Status


def _clock_view(now_ms: int, frozen: bool) -> dict[str, Any]:
    return {"now": format_instant(now_ms), "now_ms": now_ms, "frozen": frozen}


def _status_view(status: Status) -> dict[str, Any]:
    return {
        "scenario": status.scenario,
        "seed": status.seed,
        "nodes": status.nodes,
        "clients": status.clients,
        "churn": None if status.churn is None else asdict(status.churn),
        "clock": _clock_view(status.now_ms, status.frozen),
    }


def _fault_view(rule: Rule) -> dict[str, Any]:
    return asdict(rule)


def _entry_view(entry: Entry) -> dict[str, Any]:
    return {
        "time": format_instant(entry.time_ms),
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "operationId": entry.operation_id,
        "status": entry.status,
        "latency_ms": entry.latency_ms,
        "error": entry.error,
        "seen_at": None if entry.seen_at_ms is None else format_instant(entry.seen_at_ms),
    }


SAMPLE = 1000
"""Clients read whole for the overview's subscriptions: all of them up to this many, an even sample beyond."""


def _states_view(counts: dict[ConnState, int]) -> dict[str, int]:
    return {state.value: count for state, count in counts.items()}


def _sample_view(sample: Sample) -> dict[str, Any]:
    return {"time": format_instant(sample.time_ms), "time_ms": sample.time_ms, "total": sample.total,
            "connected": sample.connected, "idle": sample.idle, "disconnected": sample.disconnected}  # fmt: skip


def _overview_view(deployment: Deployment, census: Census, series: list[Sample]) -> dict[str, Any]:
    status = deployment.simulation.status()
    counts, subscriptions = census.counts, census.subscriptions
    return {
        **_status_view(status),
        "dialect": deployment.dialect,
        "clients": counts.total,
        "by_state": _states_view(counts.by_state),
        "by_node": [{"node": node, **_states_view(states)} for node, states in counts.by_node.items()],
        "by_protocol": [
            {"proto_name": name, "proto_ver": version, "count": count}
            for (name, version), count in counts.by_protocol.items()
        ],
        "subscriptions": {
            "total": subscriptions.total,
            "exact": subscriptions.read == counts.total,
            "read": subscriptions.read,
            "top": [{"topic": topic, "count": count} for topic, count in subscriptions.top],
        },
        "series": [_sample_view(sample) for sample in series],
    }


def getOverview(deployment: Deployment) -> Reply:
    census = deployment.simulation.census(SAMPLE)
    states = census.counts.by_state
    sample = Sample(census.now_ms, states[ConnState.CONNECTED], states[ConnState.IDLE], states[ConnState.DISCONNECTED])
    return Reply(body=_overview_view(deployment, census, deployment.history.record(sample)))


def _client_state_view(client: Client) -> dict[str, Any]:
    disconnected = client.disconnected_at_ms
    return {
        "clientid": client.clientid,
        "conn_state": client.state.value,
        "connected_at": format_instant(client.connected_at_ms),
        "disconnected_at": None if disconnected is None else format_instant(disconnected),
        "expiry_interval": client.identity.expiry_interval,
    }


def setClientState(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    client, _ = deployment.simulation.set_state(clientid, ConnState(body["conn_state"]))
    return Reply(body=_client_state_view(client))


def getStatus(deployment: Deployment) -> Reply:
    return Reply(body=_status_view(deployment.simulation.status()))


async def reset(deployment: Deployment) -> Reply:
    simulation = deployment.simulation
    # Built aside (a process of its own when large, else a thread), so reads are answered meanwhile; swapped in
    # under the lock.
    population = await build_aside(simulation.spec)
    await asyncio.to_thread(simulation.reset, population)
    await asyncio.to_thread(trim)  # what building the new population freed
    return Reply(body=_status_view(simulation.status()))


async def regenerate(deployment: Deployment, body: dict[str, Any]) -> Reply:
    simulation = deployment.simulation
    current = simulation.spec
    name = body.get("scenario")
    if name is not None:
        check_name(name)
    definition = body.get("scenario_definition")
    if definition is not None and name is not None:
        raise InvalidRequest("Give either scenario (a name) or scenario_definition (a whole scenario), not both")
    if definition is not None:
        scenario = from_data(definition)
        name = scenario.name
    else:
        scenario = deployment.scenario if name is None else deployment.catalog.find(name)
    setup: Setup = setup_for(
        scenario,
        simulation.clock.now_ms(),
        body.get("seed", current.seed),
        body.get("clients", current.clients if name is None else None),
        body.get("nodes", current.nodes if name is None else None),
        body.get("churn", simulation.status().churn is not None),
    )
    if deployment.peers is not None:
        deployment.peers.check_size(deployment, setup.spec.clients)
    population = await build_aside(setup.spec)
    await asyncio.to_thread(simulation.regenerate, setup, population)
    reuse_request_blocks(setup.spec.clients)
    await asyncio.to_thread(trim)  # what building the new population freed
    deployment.scenario = scenario
    return Reply(body=_status_view(simulation.status()))


def listScenarios(deployment: Deployment) -> Reply:
    catalog = deployment.catalog
    data = []
    for name in catalog.names():
        try:
            description = catalog.find(name).description
        except ScenarioError as error:
            description = f"(cannot be used: {error})"
        data.append({"name": name, "description": description})
    return Reply(body={"data": data})


def getClock(deployment: Deployment) -> Reply:
    status = deployment.simulation.status()
    return Reply(body=_clock_view(status.now_ms, status.frozen))


def setClock(deployment: Deployment, body: dict[str, Any]) -> Reply:
    simulation = deployment.simulation
    at_ms = None
    if "now" in body:
        try:
            at_ms = parse_instant(body["now"])
        except ValueError:
            raise InvalidRequest(f"now: {body['now']!r} is not an RFC 3339 instant") from None
    now = simulation.set_clock(at_ms, body.get("frozen"))
    return Reply(body=_clock_view(now, simulation.clock.is_frozen))


def advanceClock(deployment: Deployment, body: dict[str, Any]) -> Reply:
    simulation = deployment.simulation
    now = simulation.advance(body["seconds"])
    return Reply(body=_clock_view(now, simulation.clock.is_frozen))


def listFaults(deployment: Deployment) -> Reply:
    return Reply(body={"data": [_fault_view(rule) for rule in deployment.faults.rules()]})


def addFault(deployment: Deployment, body: dict[str, Any]) -> Reply:
    rule = deployment.faults.add(Rule(id="", **body))
    return Reply(201, body=_fault_view(rule))


def clearFaults(deployment: Deployment) -> Reply:
    deployment.faults.clear()
    return NO_CONTENT


def removeFault(deployment: Deployment, id: str) -> Reply:
    if not deployment.faults.remove(id):
        raise NotFound(f"No fault rule {id}")
    return NO_CONTENT


def listJournal(
    deployment: Deployment, operationId: str | None = None, status: int | None = None, limit: int | None = None
) -> Reply:
    journal = deployment.journal
    entries = journal.entries(operation_id=operationId, status=status, limit=limit)
    meta = {"count": len(entries), "size": len(journal), "capacity": journal.capacity}
    return Reply(body={"data": [_entry_view(entry) for entry in entries], "meta": meta})


def clearJournal(deployment: Deployment) -> Reply:
    deployment.journal.clear()
    return NO_CONTENT


def exportState(deployment: Deployment) -> Reply:
    return Reply(body=deployment.simulation.export_state())


def importState(deployment: Deployment, body: dict[str, Any]) -> Reply:
    simulation = deployment.simulation
    simulation.import_state(body)
    return Reply(body=_status_view(simulation.status()))


def _propagation_view(deployment: Deployment) -> dict[str, int]:
    propagation = deployment.simulation.propagation
    return {"min_ms": propagation.low_ms, "max_ms": propagation.high_ms}


def getPropagation(deployment: Deployment) -> Reply:
    return Reply(body=_propagation_view(deployment))


def setPropagation(deployment: Deployment, body: dict[str, Any]) -> Reply:
    try:
        deployment.simulation.propagation.set(body["min_ms"], body["max_ms"])
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    return Reply(body=_propagation_view(deployment))
