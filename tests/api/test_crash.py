"""Crashes of `emqx-sim serve --state-file`: a storm of changes, SIGKILL at a random moment, then a restart from the
files holds every change answered 2xx, and none half made."""

from __future__ import annotations

import logging
import multiprocessing
import random
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulator import cli
from simulator.app import create_app
from simulator.config import Config
from simulator.domain.clock import format_instant
from tests.conftest import FROZEN_AT

AUTH = ("app_id", "app_secret")
CLIENTS = 120
WORKERS = 4
OWNED = 6
"""Clients each worker changes, and no other: their final state follows from the worker's answers alone."""
TOPICS = [f"storm/{n}" for n in range(5)]

Model = dict[str, dict[str, int] | None]
"""Each owned client's subscriptions (topic: qos), or None once kicked."""


@dataclass
class Worker:
    """One thread of the storm: its clients, what the answers it got say they are, and the change it was waiting
    for when the server died (None when it was not waiting)."""

    clients: Model
    quota: dict[str, int]
    """Each client's `subscriptions_max`: a new filter past it is dropped."""
    rng: random.Random
    made: list[str] = field(default_factory=list)
    waiting: tuple[str, Any, Model] | None = None
    failure: str | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _flags(state: Path, dialect: str) -> list[str]:
    return ["--clients", str(CLIENTS), "--clock", format_instant(FROZEN_AT), "--state-file", str(state),
            "--dialect", dialect]  # fmt: skip


SERVERS = multiprocessing.get_context("forkserver")
"""Servers forked from a process that has imported the simulator once: each starts in a fraction of the time."""
SERVERS.set_forkserver_preload(["simulator.cli", "simulator.app", "simulator.durable", "uvicorn"])


@dataclass
class Server:
    process: BaseProcess
    base: str
    state: Path
    dialect: str


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """`emqx-sim serve --state-file` in a process of its own, killed with SIGKILL at the latest when the test ends."""
    dialect = request.param
    state = tmp_path / "state.json"
    port = _free_port()
    argv = ["serve", "--port", str(port), "--no-progress", "--log-level", "warning", *_flags(state, dialect)]
    process = SERVERS.Process(target=cli.main, args=(argv, {}), daemon=True)
    process.start()
    base = f"http://127.0.0.1:{port}/api/v5"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/_sim/status", auth=AUTH, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError("the simulator did not start")
        yield Server(process, base, state, dialect)
    finally:
        process.kill()
        process.join(timeout=20)


def _listed(http: httpx.Client, dialect: str, connected: bool = False) -> list[str]:
    """The clientids a list shows (only the connected clients: they cannot expire as the clock moves)."""
    query = "_limit=1000" if dialect == "cloud" else "limit=1000"
    clients = http.get(f"/clients?{query}").json()["data"]
    return [client["clientid"] for client in clients if client["connected"] or not connected]


def _subscriptions(http: httpx.Client, clientid: str) -> dict[str, int] | None:
    """A client's subscriptions as its own answer and its subscription list both give them (they must agree)."""
    found = http.get(f"/clients/{clientid}")
    if found.status_code == 404:
        assert http.get(f"/clients/{clientid}/subscriptions").status_code == 404
        return None
    listed = {item["topic"]: item["qos"] for item in http.get(f"/clients/{clientid}/subscriptions").json()}
    assert found.json()["subscriptions_cnt"] == len(listed), f"{clientid}: subscriptions_cnt disagrees"
    return listed


def _change(worker: Worker) -> tuple[str, Any, Model]:
    """A random change of the worker's clients: (path, body, the clients as they are once it is made)."""
    rng, alive = worker.rng, sorted(c for c, subscribed in worker.clients.items() if subscribed is not None)
    after: Model = {clientid: None if subs is None else dict(subs) for clientid, subs in worker.clients.items()}
    clientid = rng.choice(alive)
    subscribed = after[clientid]
    assert subscribed is not None
    roll = rng.random()
    if roll < 0.06 and len(alive) > 2:
        after[clientid] = None
        return f"DELETE /clients/{clientid}", None, after
    if roll < 0.12 and len(alive) > 3:
        gone = rng.sample(alive, 2)
        for one in gone:
            after[one] = None
        return "POST /clients/kickout/bulk", gone, after
    topics = rng.sample(TOPICS, 2)
    if roll < 0.65:
        items = [{"topic": topic, "qos": rng.randrange(3)} for topic in topics[: 1 if roll < 0.45 else 2]]
        for item in items:
            if item["topic"] in subscribed or len(subscribed) < worker.quota[clientid]:
                subscribed[item["topic"]] = item["qos"]
        if roll < 0.45:
            return f"POST /clients/{clientid}/subscribe", items[0], after
        return f"POST /clients/{clientid}/subscribe/bulk", items, after
    if roll < 0.85:
        subscribed.pop(topics[0], None)
        return f"POST /clients/{clientid}/unsubscribe", {"topic": topics[0]}, after
    for topic in topics:
        subscribed.pop(topic, None)
    return f"POST /clients/{clientid}/unsubscribe/bulk", [{"topic": topic} for topic in topics], after


def _storm(base: str, worker: Worker, stop: threading.Event) -> None:
    with httpx.Client(base_url=base, auth=AUTH, timeout=10) as http:
        while not stop.is_set():
            worker.waiting = change = _change(worker)
            method, path = change[0].split(" ", 1)
            try:
                answer = http.request(method, path, json=change[1])
            except httpx.TransportError:
                return
            if not answer.is_success:
                worker.failure = f"{change[0]}: {answer.status_code} {answer.text}"
                return
            worker.clients, worker.waiting = change[2], None
            worker.made.append(change[0])


def _clock_storm(base: str, instants: list[int], stop: threading.Event) -> None:
    """Set the clock again and again; `instants` ends with the last instant answered 200, and the one asked for."""
    with httpx.Client(base_url=base, auth=AUTH, timeout=10) as http:
        while not stop.is_set():
            at = instants[-1] + 1000
            instants.append(at)
            try:
                answer = http.put("/_sim/clock", json={"now": format_instant(at), "frozen": True})
            except httpx.TransportError:
                return
            assert answer.status_code == 200


def _start_storm(
    base: str, dialect: str, seed: int
) -> tuple[list[Worker], list[int], list[threading.Thread], threading.Event]:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, auth=AUTH, timeout=10) as http:
        chosen = rng.sample(_listed(http, dialect, connected=True), WORKERS * OWNED)
        quota = {clientid: http.get(f"/clients/{clientid}").json()["subscriptions_max"] for clientid in chosen}
        owned = [chosen[n * OWNED : (n + 1) * OWNED] for n in range(WORKERS)]
        workers = [
            Worker({c: _subscriptions(http, c) for c in mine}, quota, random.Random(seed * 10 + n))
            for n, mine in enumerate(owned)
        ]
    instants = [FROZEN_AT]
    stop = threading.Event()
    threads = [threading.Thread(target=_storm, args=(base, worker, stop)) for worker in workers]
    threads.append(threading.Thread(target=_clock_storm, args=(base, instants, stop)))
    for thread in threads:
        thread.start()
    return workers, instants, threads, stop


@contextmanager
def _restarted(state: Path, dialect: str) -> Iterator[httpx.Client]:
    """The simulator started again from the files, as `emqx-sim serve` with the same flags does, in this process."""
    app = create_app(Config(clients=CLIENTS, frozen_at_ms=FROZEN_AT, state_file=state, dialect=dialect))
    app.deployments.open()
    try:
        with app.test_client(base_url="http://testserver/api/v5") as http:
            http.auth = AUTH
            yield http
    finally:
        app.deployments.close()


def _check(http: Any, dialect: str, worker: Worker, allowed: list[Model]) -> None:
    found = {clientid: _subscriptions(http, clientid) for clientid in worker.clients}
    differs = [{c: (found[c], model[c]) for c in found if found[c] != model[c]} for model in allowed]
    assert found in allowed, f"after {worker.made[-3:]} (waiting for {worker.waiting and worker.waiting[0]}): {differs}"
    listed = set(_listed(http, dialect))
    for clientid, subscribed in found.items():
        assert (clientid in listed) is (subscribed is not None)


def _after_changes(workers: list[Worker], count: int) -> None:
    """Return once the storm has made `count` changes (a slow start is no storm)."""
    deadline = time.monotonic() + 30
    while sum(len(worker.made) for worker in workers) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def _kill(server: Server, threads: list[threading.Thread]) -> None:
    server.process.kill()  # SIGKILL
    server.process.join(timeout=20)
    for thread in threads:
        thread.join(timeout=20)


@pytest.mark.slow
@pytest.mark.parametrize("server", ["cloud", "emqx5"], indirect=True)
@pytest.mark.parametrize("seed", range(10))
def test_every_answered_change_survives_a_sigkill(server: Server, seed: int) -> None:
    workers, instants, threads, _ = _start_storm(server.base, server.dialect, seed)
    _after_changes(workers, 5)
    time.sleep(random.Random(seed).uniform(0, 1))
    _kill(server, threads)
    assert [worker.failure for worker in workers] == [None] * WORKERS
    assert sum(len(worker.made) for worker in workers) > 10, "the storm made too few changes to test anything"
    with _restarted(server.state, server.dialect) as http:
        for worker in workers:
            _check(http, server.dialect, worker, [worker.clients] + ([worker.waiting[2]] if worker.waiting else []))
        assert http.get("/_sim/clock").json()["now_ms"] in instants[-2:]


def _damage_last_frame(wal: Path, how: str) -> None:
    """Cut the last frame of SQLite's write-ahead log in half, or flip a byte of it: what a crash mid-write leaves."""
    data = bytearray(wal.read_bytes())
    page_size, salts = struct.unpack(">I", data[8:12])[0], data[16:24]
    frame = 24 + page_size
    last = None
    offset = 32
    while offset + frame <= len(data) and data[offset + 8 : offset + 16] == salts:
        last, offset = offset, offset + frame
    assert last is not None, "the log holds no frame"
    if how == "cut":
        del data[last + 24 + page_size // 2 :]
    else:
        data[last + 24 + page_size // 2] ^= 0xFF
    wal.write_bytes(bytes(data))


@pytest.mark.slow
@pytest.mark.parametrize(("server", "how"), [("cloud", "cut"), ("emqx5", "flip")], indirect=["server"])
def test_a_torn_last_write_is_dropped_and_every_whole_change_kept(
    server: Server, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    workers, instants, threads, stop = _start_storm(server.base, server.dialect, 7)
    _after_changes(workers, 20)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    owned = {clientid for worker in workers for clientid in worker.clients}
    with httpx.Client(base_url=server.base, auth=AUTH) as http:
        last = next(c for c in _listed(http, server.dialect, connected=True) if c not in owned)
        assert http.delete(f"/clients/{last}").status_code == 204
    _kill(server, [])
    _damage_last_frame(server.state.with_name(server.state.name + ".log.sqlite-wal"), how)
    caplog.set_level(logging.WARNING, logger="emqx_sim")
    with _restarted(server.state, server.dialect) as http:
        torn = [record.getMessage() for record in caplog.records if "cut short by a crash" in record.getMessage()]
        assert len(torn) == 1 and str(server.state) in torn[0]
        assert http.get(f"/clients/{last}").status_code == 200, "the kick of the torn write was made"
        for worker in workers:
            _check(http, server.dialect, worker, [worker.clients])
        assert http.get("/_sim/clock").json()["now_ms"] == instants[-1]


@pytest.mark.slow
@pytest.mark.parametrize("server", ["cloud"], indirect=True)
def test_isolated_deployments_survive_a_sigkill_with_their_changes(server: Server) -> None:
    with httpx.Client(base_url=server.base, auth=AUTH, timeout=30) as http:
        kept = http.post("/_sim/deployments", json={"clients": 30, "seed": 5, "dialect": "emqx5"}).json()
        gone = http.post("/_sim/deployments", json={"clients": 10}).json()
        assert http.delete(f"/_sim/deployments/{gone['id']}").status_code == 204
        mine = (kept["app_id"], kept["app_secret"])
        _as(http, mine)
        clientids = sorted(_listed(http, "emqx5"))
        assert http.delete(f"/clients/{clientids[0]}").status_code == 204
        assert http.post(f"/clients/{clientids[1]}/subscribe", json={"topic": "kept/1", "qos": 2}).status_code == 200
        subscriptions = _subscriptions(http, clientids[1])
        assert subscriptions is not None and subscriptions["kept/1"] == 2
    _kill(server, [])
    with _restarted(server.state, server.dialect) as http:
        assert [item["id"] for item in http.get("/_sim/deployments").json()["data"]] == ["default", kept["id"]]
        assert http.get(f"/clients/{clientids[0]}", auth=mine).status_code == 404
        assert http.get("/clients", auth=(gone["app_id"], gone["app_secret"])).status_code == 401
        assert _subscriptions(_as(http, mine), clientids[1]) == subscriptions
        assert len(_listed(http, "emqx5")) == len(clientids) - 1
    assert not (server.state.parent / "state.json.deployments" / f"{gone['id']}.json").exists()


def _as(http: Any, auth: tuple[str, str]) -> Any:
    """`http` sending `auth` on every request."""
    http.auth = auth
    return http


def test_an_unreadable_list_of_deployments_leaves_the_default_one_to_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.json"
    (tmp_path / "state.json.deployments").mkdir()
    (tmp_path / "state.json.deployments" / "deployments.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="emqx_sim"), _restarted(state, "cloud") as http:
        assert http.get("/_sim/deployments").json()["meta"]["count"] == 1
        assert http.get("/clients?_limit=1").json()["meta"]["count"] == CLIENTS
    assert any("no isolated deployment is restored" in record.getMessage() for record in caplog.records)
