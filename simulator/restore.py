"""A saved state read back: checked field by field, into the setup, registry and clock it describes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulator.domain.churn import Churn
from simulator.domain.population import PopulationSpec, build
from simulator.domain.registry import Registry
from simulator.domain.setup import Setup
from simulator.domain.snapshot import FORMAT, FULL_FORMAT, InvalidState, client_from_data

MAX_CLIENTS = 2_000_000
"""The largest population an imported state may generate."""


def read_setup(data: dict[str, Any]) -> Setup:
    """The setup of `Setup.data()` (or of a state), checked."""
    raw_spec = data.get("spec")
    if not isinstance(raw_spec, dict):
        raise InvalidState("spec", "expected an object")
    try:
        spec = PopulationSpec(**{**raw_spec, "protocols": tuple(raw_spec.get("protocols", (85, 8, 7))),
                                 "explicit": tuple(raw_spec.get("explicit", ()))})  # fmt: skip
        churn = None if data.get("churn") is None else Churn(**data["churn"])
    except TypeError as error:
        raise InvalidState("spec", str(error)) from None
    if not isinstance(spec.seed, int) or not isinstance(spec.nodes, int) or not 1 <= spec.nodes <= 250:
        raise InvalidState("spec", "seed and nodes must be integers, nodes from 1 to 250")
    if not isinstance(spec.clients, int) or not 0 <= spec.clients <= MAX_CLIENTS or not isinstance(spec.now_ms, int):
        raise InvalidState("spec", f"clients must be an integer from 0 to {MAX_CLIENTS}, now_ms an integer")
    weights = spec.protocols
    if len(weights) != 3 or not all(isinstance(w, int | float) and w >= 0 for w in weights) or not sum(weights):
        raise InvalidState("spec", "protocols must be 3 weights (MQTT, MQTT-SN, CoAP), not all 0")
    return Setup(replace(spec), churn, str(data.get("scenario", "default")))


def read_state(data: Any) -> tuple[Setup, Registry, dict[str, Any], int]:
    if not isinstance(data, dict):
        raise InvalidState("state", "expected an object")
    if data.get("format") not in (FORMAT, FULL_FORMAT):
        raise InvalidState("format", f"expected {FORMAT!r} (or {FULL_FORMAT!r})")
    setup = read_setup(data)
    clock = data.get("clock")
    if (
        not isinstance(clock, dict)
        or not isinstance(clock.get("now_ms"), int)
        or not isinstance(clock.get("frozen"), bool)
    ):
        raise InvalidState("clock", "expected {now_ms: integer, frozen: boolean}")
    items = data.get("clients")
    if not isinstance(items, list):
        raise InvalidState("clients", "expected a list")
    loaded = [client_from_data(f"clients[{index}]", item) for index, item in enumerate(items)]
    if len({client.clientid for client in loaded}) != len(loaded):
        raise InvalidState("clients", "a clientid appears twice")
    last_tick = data.get("last_tick_ms", clock["now_ms"])
    if not isinstance(last_tick, int):
        raise InvalidState("last_tick_ms", "expected an integer")
    since = data.get("churn_since_ms", setup.spec.now_ms)
    if not isinstance(since, int) or isinstance(since, bool):
        raise InvalidState("churn_since_ms", "expected an integer")
    if data["format"] == FULL_FORMAT:
        registry = Registry(loaded)
        registry.churn_since_ms = since
        return setup, registry, clock, last_tick
    removed = data.get("removed", [])
    if not isinstance(removed, list) or not all(isinstance(clientid, str) for clientid in removed):
        raise InvalidState("removed", "expected a list of clientids")
    try:
        registry = Registry(population=build(setup.spec))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidState("spec", f"cannot generate the population: {error}") from None
    registry.remove_many(removed)
    for client in loaded:
        registry.add(client)
    registry.churn_since_ms = since
    return setup, registry, clock, last_tick
