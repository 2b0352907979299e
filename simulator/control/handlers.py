"""Thin handlers of the control API, one per operationId: unpack, call the runtime once, return the view."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson
from connexion.context import scope
from starlette.responses import Response

from simulator.domain.clock import format_instant, parse_instant
from simulator.errors import HttpError, bad_request
from simulator.faults import Rule
from simulator.journal import Entry
from simulator.runtime import Runtime
from simulator.scenarios import SUFFIXES, ScenarioError, UnknownScenario, setup_for
from simulator.service import Setup, Status


def _runtime() -> Runtime:
    runtime: Runtime = scope["state"]["runtime"]
    return runtime


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


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
    }


async def getStatus() -> Response:
    return _json(_status_view(_runtime().simulation.status()))


async def reset() -> Response:
    simulation = _runtime().simulation
    simulation.reset()
    return _json(_status_view(simulation.status()))


async def regenerate(body: dict[str, Any]) -> Response:
    runtime = _runtime()
    simulation = runtime.simulation
    current = simulation.spec
    name = body.get("scenario")
    if name is not None and (name.endswith(SUFFIXES) or "/" in name or "\\" in name):
        raise bad_request("scenario: give a scenario name; files are loaded with `emqx-sim serve --scenario PATH`")
    try:
        scenario = runtime.scenario if name is None else runtime.catalog.find(name)
        setup: Setup = setup_for(
            scenario,
            simulation.clock.now_ms(),
            body.get("seed", current.seed),
            body.get("clients", current.clients if name is None else None),
            body.get("nodes", current.nodes if name is None else None),
            body.get("churn", simulation.status().churn is not None),
        )
    except UnknownScenario as error:
        raise HttpError(404, "NOT_FOUND", str(error)) from None
    except ScenarioError as error:
        raise HttpError(400, "INVALID_PARAMETER", str(error)) from None
    simulation.regenerate(setup)
    runtime.scenario = scenario
    return _json(_status_view(simulation.status()))


async def listScenarios() -> Response:
    catalog = _runtime().catalog
    data = []
    for name in catalog.names():
        try:
            description = catalog.find(name).description
        except ScenarioError as error:
            description = f"(cannot be used: {error})"
        data.append({"name": name, "description": description})
    return _json({"data": data})


async def getClock() -> Response:
    status = _runtime().simulation.status()
    return _json(_clock_view(status.now_ms, status.frozen))


async def setClock(body: dict[str, Any]) -> Response:
    simulation = _runtime().simulation
    at_ms = None
    if "now" in body:
        try:
            at_ms = parse_instant(body["now"])
        except ValueError:
            raise bad_request(f"now: {body['now']!r} is not an RFC 3339 instant") from None
    now = simulation.set_clock(at_ms, body.get("frozen"))
    return _json(_clock_view(now, simulation.clock.is_frozen))


async def advanceClock(body: dict[str, Any]) -> Response:
    simulation = _runtime().simulation
    now = simulation.advance(body["seconds"])
    return _json(_clock_view(now, simulation.clock.is_frozen))


async def listFaults() -> Response:
    return _json({"data": [_fault_view(rule) for rule in _runtime().faults.rules()]})


async def addFault(body: dict[str, Any]) -> Response:
    try:
        rule = _runtime().faults.add(Rule(id="", **body))
    except ValueError as error:
        raise bad_request(str(error)) from None
    return _json(_fault_view(rule), status=201)


async def clearFaults() -> Response:
    _runtime().faults.clear()
    return Response(status_code=204)


async def removeFault(id: str) -> Response:
    if not _runtime().faults.remove(id):
        raise HttpError(404, "NOT_FOUND", f"No fault rule {id}")
    return Response(status_code=204)


async def listJournal(operationId: str | None = None, status: int | None = None, limit: int | None = None) -> Response:
    journal = _runtime().journal
    entries = journal.entries(operation_id=operationId, status=status, limit=limit)
    meta = {"count": len(entries), "size": len(journal), "capacity": journal.capacity}
    return _json({"data": [_entry_view(entry) for entry in entries], "meta": meta})


async def clearJournal() -> Response:
    _runtime().journal.clear()
    return Response(status_code=204)


async def exportState() -> Response:
    return _json(_runtime().simulation.export_state())


async def importState(body: dict[str, Any]) -> Response:
    simulation = _runtime().simulation
    simulation.import_state(body)
    return _json(_status_view(simulation.status()))
