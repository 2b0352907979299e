"""Drive a simulator from Python: start one in this process, make isolated deployments, and steer each one.

The pytest plugin's `emqx_sim` fixture is a `SimDeployment` made by a `Server` that lasts the test session; the
same classes work outside pytest:

    with Server.start() as server:
        sim = server.deploy(scenario="quota-edge", clients=50)
        sim.clock.advance(3600)
        assert sim.client().get("/clients").json()["meta"]["count"] == 50
"""

from __future__ import annotations

import datetime
import socket
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import httpx

BASE_PATH = "/api/v5"
START_TIMEOUT_S = 60.0


class SimError(Exception):
    """A control request the simulator refused: its status, EMQX code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _checked(response: httpx.Response) -> Any:
    """The JSON body of a 2xx answer (None for 204); raise `SimError` for any other."""
    if response.is_success:
        return None if response.status_code == 204 else response.json()
    try:
        body = response.json()
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "UNEXPECTED", response.text[:200]
    raise SimError(response.status_code, code, message)


def serve(app: Any, log_level: str = "warning") -> tuple[str, Callable[[], None]]:
    """`app` (any ASGI app) served from a thread of this process on 127.0.0.1 and a free port: its origin
    (`http://127.0.0.1:PORT`), and the function that stops it."""
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="auto"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="emqx-sim", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()

    return f"http://127.0.0.1:{port}", stop


class Server:
    """A simulator: one started in this process (`start`), or one running elsewhere (`connect`)."""

    def __init__(self, origin: str, auth: tuple[str, str], stop: Any = None) -> None:
        self.origin = origin
        """`http://host:port`, with no path."""
        self.auth = auth
        """The default deployment's App ID and App Secret, which may make deployments."""
        self._stop = stop
        self._http = httpx.Client(base_url=f"{origin}{BASE_PATH}/_sim", auth=auth, timeout=120)

    @classmethod
    def start(cls, dialect: str = "cloud", **settings: Any) -> Server:
        """A simulator served from a thread of this process on 127.0.0.1 and a free port. Its default deployment
        has no clients: deployments are made with `deploy`. `settings` are `simulator.config.Config` fields."""
        with warnings.catch_warnings():
            # connexion imports jsonschema's deprecated RefResolver and starlette's test client: warnings about
            # the simulator's own dependencies, not the user's to see (or to fail on, with `-W error`).
            warnings.simplefilter("ignore")
            from simulator.app import create_app
            from simulator.config import Config

        config = Config(
            port=0,
            scenario="empty",
            dialect=dialect,
            log_level="warning",
            max_deployments=10_000,
            deployment_client_budget=50_000_000,
            deployment_ttl_s=24 * 3600.0,
            **settings,
        )
        origin, stop = serve(create_app(config))
        return cls(origin, (config.app_id, config.app_secret), stop)

    @classmethod
    def connect(cls, url: str, app_id: str = "app_id", app_secret: str = "app_secret") -> Server:
        """A simulator already running (`emqx-sim serve`), by its API base URL, e.g. http://127.0.0.1:18083/api/v5."""
        parts = urllib.parse.urlsplit(url)
        return cls(f"{parts.scheme}://{parts.netloc}", (app_id, app_secret))

    def deploy(
        self,
        scenario: str | Mapping[str, Any] | None = None,
        *,
        seed: int | None = None,
        clients: int | None = None,
        nodes: int | None = None,
        churn: bool | None = None,
        clock: str | datetime.datetime | None = None,
        dialect: str | None = None,
    ) -> SimDeployment:
        """A new isolated deployment. `scenario` is a name, or a whole scenario as a mapping (the format of a
        scenario file); `clock` is "real" (the default) or an instant the deployment's clock is frozen at."""
        given = {"seed": seed, "clients": clients, "nodes": nodes, "churn": churn, "dialect": dialect}
        body = {name: value for name, value in given.items() if value is not None}
        if isinstance(scenario, str):
            body["scenario"] = scenario
        if clock is not None:
            body["clock"] = _instant(clock) if isinstance(clock, datetime.datetime) else clock
        made = _checked(self._http.post("/deployments", json=body))
        deployment = SimDeployment(self.origin, made)
        if isinstance(scenario, Mapping):
            try:
                deployment.scenario(scenario, seed=seed, clients=clients, nodes=nodes, churn=churn)
            except Exception:
                deployment.remove()
                raise
        return deployment

    def stop(self) -> None:
        self._http.close()
        if self._stop is not None:
            self._stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class SimDeployment:
    """One isolated deployment: its API base URL and credentials, and its controls."""

    def __init__(self, origin: str, made: Mapping[str, Any]) -> None:
        self.id: str = made["id"]
        self.dialect: str = made["dialect"]
        self.url = f"{origin}{BASE_PATH}"
        """The emulated API's base URL, e.g. http://127.0.0.1:41234/api/v5."""
        self.auth: tuple[str, str] = (made["app_id"], made["app_secret"])
        """App ID and App Secret (HTTP Basic): pass as `auth=` to httpx or requests."""
        self._control = httpx.Client(base_url=f"{self.url}/_sim", auth=self.auth, timeout=120)
        self._clients: list[httpx.Client] = []
        self.clock = SimClock(self._control)

    def client(self, **options: Any) -> httpx.Client:
        """An httpx client of the emulated API, authenticated: `client().get("/clients")`. Closed with the
        deployment."""
        client = httpx.Client(base_url=self.url, auth=self.auth, **options)
        self._clients.append(client)
        return client

    def scenario(self, name_or_mapping: str | Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
        """A new population from a scenario (a name, or a whole scenario as a mapping), with `seed`, `clients`,
        `nodes` or `churn` overridden; the new status."""
        body: dict[str, Any] = {key: value for key, value in overrides.items() if value is not None}
        if isinstance(name_or_mapping, str):
            body["scenario"] = name_or_mapping
        else:
            body["scenario_definition"] = dict(name_or_mapping)
        status: dict[str, Any] = _checked(self._control.post("/regenerate", json=body))
        return status

    def add_client(self, clientid: str, **fields: Any) -> dict[str, Any]:
        """Put a client in place (added, or replacing the one with that clientid): `state` ("connected",
        "idle", "disconnected"), `username`, `node`, `proto_name`, `subscriptions` ({topic filter: QoS}) and
        other fields of a scenario's client; the rest is generated. The client as the API shows it."""
        path = "/clients/" + urllib.parse.quote(clientid, safe="")
        client: dict[str, Any] = _checked(self._control.put(path, json=fields))
        return client

    def fault(
        self,
        operation: str = "*",
        *,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
        delay_ms: int | None = None,
        delay_max_ms: int | None = None,
        error_rate: float | None = None,
        times: int | None = None,
    ) -> dict[str, Any]:
        """Add a fault rule for one operation of the emulated API (by operationId, or "*"); the rule, with its id."""
        given: dict[str, Any] = {"status": status, "code": code, "message": message, "delay_ms": delay_ms}
        given |= {"delay_max_ms": delay_max_ms, "error_rate": error_rate, "times": times}
        body = {"operation": operation} | {key: value for key, value in given.items() if value is not None}
        rule: dict[str, Any] = _checked(self._control.post("/faults", json=body))
        return rule

    def faults(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = _checked(self._control.get("/faults"))["data"]
        return rules

    def journal(self, operation: str | None = None, status: int | None = None) -> list[dict[str, Any]]:
        """The requests this deployment's emulated API answered, newest first, by operationId and status."""
        query = {key: value for key, value in (("operationId", operation), ("status", status)) if value is not None}
        entries: list[dict[str, Any]] = _checked(self._control.get("/journal", params=query))["data"]
        return entries

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = _checked(self._control.get("/status"))
        return status

    def export_state(self) -> dict[str, Any]:
        state: dict[str, Any] = _checked(self._control.get("/state"))
        return state

    def import_state(self, state: Mapping[str, Any]) -> None:
        _checked(self._control.put("/state", json=dict(state)))

    def reset(self) -> None:
        """Back to the start: the population as first generated, no fault rule, an empty journal."""
        _checked(self._control.post("/reset"))
        _checked(self._control.delete("/faults"))
        _checked(self._control.delete("/journal"))

    def remove(self) -> None:
        """Remove the deployment from the server (its credentials stop working) and close its clients."""
        try:
            response = self._control.delete(f"/deployments/{self.id}")
            if response.status_code not in (204, 401):  # 401: it is gone already
                _checked(response)
        finally:
            for client in self._clients:
                client.close()
            self._control.close()


class SimClock:
    """A deployment's simulated clock."""

    def __init__(self, control: httpx.Client) -> None:
        self._control = control

    @property
    def now(self) -> datetime.datetime:
        """The simulated present (UTC)."""
        return _read(_checked(self._control.get("/clock")))

    @property
    def frozen(self) -> bool:
        return bool(_checked(self._control.get("/clock"))["frozen"])

    def freeze(self, instant: datetime.datetime | str | None = None) -> datetime.datetime:
        """Stop the clock, at `instant` (a datetime, or RFC 3339 text) or where it is."""
        body: dict[str, Any] = {"frozen": True}
        if instant is not None:
            body["now"] = _instant(instant) if isinstance(instant, datetime.datetime) else instant
        return _read(_checked(self._control.put("/clock", json=body)))

    def resume(self) -> datetime.datetime:
        """Let the clock run again, from where it stands."""
        return _read(_checked(self._control.put("/clock", json={"frozen": False})))

    def set(self, instant: datetime.datetime | str) -> datetime.datetime:
        """Move the clock to `instant`, frozen or running as it was."""
        now = _instant(instant) if isinstance(instant, datetime.datetime) else instant
        return _read(_checked(self._control.put("/clock", json={"now": now})))

    def advance(self, seconds: float | datetime.timedelta) -> datetime.datetime:
        """Move the clock forward (churn and session expiry catch up); the new present."""
        amount = seconds.total_seconds() if isinstance(seconds, datetime.timedelta) else seconds
        return _read(_checked(self._control.post("/clock/advance", json={"seconds": amount})))


def _instant(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("give an aware datetime (with a time zone), e.g. datetime(..., tzinfo=timezone.utc)")
    return moment.isoformat()


def _read(clock: Mapping[str, Any]) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(clock["now_ms"] / 1000, tz=datetime.UTC)
