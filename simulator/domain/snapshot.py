"""The whole simulated state as plain JSON-able data, and back, checked field by field."""

from __future__ import annotations

from dataclasses import MISSING, asdict, fields
from typing import Any

from simulator.domain.client import Client, ConnState, Identity, Limits, SubOpts, Traffic
from simulator.domain.errors import DomainError

FORMAT = "emqx-sim-state/2"
"""The population as its spec, plus the generated clients that are gone and every client that differs."""
FULL_FORMAT = "emqx-sim-state/1"
"""Every client listed whole (still read)."""


OPTIONAL = {"mqueue_topic": None, "inflight_topic": None, "message_qos": 1}
"""Traffic fields written only when they differ from these (states written before they existed still read)."""


class InvalidState(DomainError):
    """An exported state that cannot be imported, naming the field that is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"invalid state at {where}: {problem}")
        self.where = where


def client_to_data(client: Client) -> dict[str, Any]:
    return {
        "identity": asdict(client.identity),
        "limits": asdict(client.limits),
        "traffic": {name: value for name, value in asdict(client.traffic).items() if OPTIONAL.get(name, ...) != value},
        "state": client.state.value,
        "created_at_ms": client.created_at_ms,
        "connected_at_ms": client.connected_at_ms,
        "disconnected_at_ms": client.disconnected_at_ms,
        "subscriptions": {topic: asdict(opts) for topic, opts in client.subscriptions.items()},
    } | ({} if client.authz_cleared_at_ms is None else {"authz_cleared_at_ms": client.authz_cleared_at_ms})


def _typed(where: str, value: Any, kind: Any) -> Any:
    expected: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "str": str}
    names = [name.strip() for name in str(kind).split("|")]
    if value is None and "None" in names:
        return None
    for name in names:
        python = expected.get(name)
        if python is not None and isinstance(value, python) and not (name != "bool" and isinstance(value, bool)):
            return value * 1.0 if name == "float" else value  # type: ignore[operator]
        numbers = isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value)
        if name.startswith("tuple") and numbers and len(value) == 3:
            return tuple(float(v) for v in value)
    raise InvalidState(where, f"expected {kind}, got {type(value).__name__}")


def _record(where: str, data: Any, cls: Any) -> Any:
    if not isinstance(data, dict):
        raise InvalidState(where, "expected an object")
    known = {f.name: f for f in fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise InvalidState(f"{where}.{sorted(unknown)[0]}", "unknown field")
    values = {}
    for name, spec in known.items():
        if name not in data:
            if spec.default is not MISSING:
                continue
            raise InvalidState(f"{where}.{name}", "missing")
        values[name] = _typed(f"{where}.{name}", data[name], spec.type)
    return cls(**values)


def client_from_data(where: str, data: Any) -> Client:
    if not isinstance(data, dict):
        raise InvalidState(where, "expected an object")
    try:
        state = ConnState(str(data.get("state")))
    except ValueError:
        raise InvalidState(f"{where}.state", f"not one of {[s.value for s in ConnState]}") from None
    subscriptions = data.get("subscriptions")
    if not isinstance(subscriptions, dict):
        raise InvalidState(f"{where}.subscriptions", "expected an object")
    client = Client(
        identity=_record(f"{where}.identity", data.get("identity"), Identity),
        limits=_record(f"{where}.limits", data.get("limits"), Limits),
        traffic=_record(f"{where}.traffic", data.get("traffic"), Traffic),
        state=state,
        created_at_ms=_typed(f"{where}.created_at_ms", data.get("created_at_ms"), "int"),
        connected_at_ms=_typed(f"{where}.connected_at_ms", data.get("connected_at_ms"), "int"),
        disconnected_at_ms=_typed(f"{where}.disconnected_at_ms", data.get("disconnected_at_ms"), "int | None"),
        subscriptions={
            str(topic): _record(f"{where}.subscriptions.{topic}", opts, SubOpts)
            for topic, opts in subscriptions.items()
        },
        authz_cleared_at_ms=_typed(f"{where}.authz_cleared_at_ms", data.get("authz_cleared_at_ms"), "int | None"),
    )
    if (client.disconnected_at_ms is None) == (client.state is ConnState.DISCONNECTED):
        raise InvalidState(f"{where}.disconnected_at_ms", "set exactly when the state is disconnected")
    return client
