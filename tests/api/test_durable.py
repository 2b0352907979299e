"""The change log of `--state-file`: every kind of change made again at start, compaction, failures."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from simulator import durable as durables
from simulator.app import create_app
from simulator.domain.snapshot import InvalidState
from simulator.durable import Durable
from simulator.state_file import StoreFailed
from tests.conftest import API, AUTH, make_config

SIM = f"{API}/_sim"


@contextmanager
def _started(state: Path, **overrides: Any) -> Iterator[tuple[Any, Durable]]:
    """The simulator started from `state` and its log, as `emqx-sim serve --state-file` starts it. Left as a crash
    leaves it (the log not folded into the state file) unless the caller closes it."""
    app = create_app(make_config(state_file=state, **overrides))
    durable = Durable(state)
    durable.replay(app.deployment)
    try:
        with app.test_client() as client:
            yield client, durable
    finally:
        durable.close(fold=False)


def _ok(response: Any) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def _state(client: Any) -> dict[str, Any]:
    return dict(_ok(client.get(f"{SIM}/state", auth=AUTH)))


def _cloud_changes(client: Any) -> None:
    listed = [c["clientid"] for c in _ok(client.get(f"{API}/clients?_limit=50", auth=AUTH))["data"]]
    _ok(client.put(f"{SIM}/clock", auth=AUTH, json={"now": "2023-09-15T10:00:00Z"}))
    _ok(client.delete(f"{API}/clients/{listed[0]}", auth=AUTH))
    _ok(client.post(f"{API}/clients/kickout/bulk", auth=AUTH, json=listed[1:3]))
    _ok(client.post(f"{API}/clients/{listed[3]}/subscribe", auth=AUTH, json={"topic": "a/+", "qos": 2, "nl": 1}))
    items = [{"topic": "b/#", "qos": 1}, {"topic": "c", "rh": 2}]
    _ok(client.post(f"{API}/clients/{listed[4]}/subscribe/bulk", auth=AUTH, json=items))
    _ok(client.post(f"{API}/clients/{listed[4]}/unsubscribe", auth=AUTH, json={"topic": "c"}))
    _ok(client.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 90_000}))  # sessions expire
    _ok(client.post(f"{API}/clients/{listed[3]}/unsubscribe/bulk", auth=AUTH, json=[{"topic": "a/+"}]))
    _ok(client.put(f"{SIM}/clock", auth=AUTH, json={"frozen": False}))
    _ok(client.put(f"{SIM}/clock", auth=AUTH, json={"frozen": True, "now": "2023-09-16T00:00:00Z"}))


def _emqx5_changes(client: Any) -> None:
    listed = [c["clientid"] for c in _ok(client.get(f"{API}/clients?limit=50", auth=AUTH))["data"]]
    _ok(client.put(f"{API}/clients/{listed[0]}/keepalive", auth=AUTH, json={"interval": 77}))
    _ok(client.delete(f"{API}/clients/{listed[1]}/authorization/cache", auth=AUTH))
    _ok(client.post(f"{API}/clients/{listed[2]}/subscribe/bulk", auth=AUTH, json=[{"topic": "x/1", "qos": 1}]))
    _ok(client.post(f"{SIM}/regenerate", auth=AUTH, json={"scenario": "flapping", "seed": 5, "clients": 80}))
    _ok(client.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 600}))  # churn moves
    again = [c["clientid"] for c in _ok(client.get(f"{API}/clients?limit=5", auth=AUTH))["data"]]
    _ok(client.delete(f"{API}/clients/{again[0]}", auth=AUTH))
    exported = _state(client)
    _ok(client.post(f"{SIM}/reset", auth=AUTH))
    _ok(client.put(f"{SIM}/state", auth=AUTH, json=exported))
    _ok(client.post(f"{API}/clients/{again[1]}/unsubscribe", auth=AUTH, json={"topic": "nothing/here"}))


@pytest.mark.parametrize(("dialect", "changes"), [("cloud", _cloud_changes), ("emqx5", _emqx5_changes)])
def test_every_kind_of_change_is_made_again_at_start(
    tmp_path: Path, dialect: str, changes: Callable[[Any], None]
) -> None:
    state = tmp_path / "state.json"
    with _started(state, dialect=dialect) as (client, _):
        changes(client)
        before = _state(client)
    with _started(state, dialect=dialect) as (client, durable):
        assert _state(client) == before
        assert durable.close()
    with _started(state, dialect=dialect) as (client, _):
        assert _state(client) == before
    assert json.loads(state.read_text(encoding="utf-8"))["clients"] == before["clients"]


def test_the_log_is_folded_into_the_state_file_as_it_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durables, "COMPACT_AFTER", 5)
    state = tmp_path / "state.json"
    log = tmp_path / "state.json.log.sqlite"
    with _started(state) as (client, _):
        for n in range(12):
            _ok(client.post(f"{API}/clients/client_1/subscribe", auth=AUTH, json={"topic": f"t/{n}"}))
        before = _state(client)
        folded = json.loads(state.read_text(encoding="utf-8"))["log_seq"]
    with closing(sqlite3.connect(log)) as db:
        kept = [seq for (seq,) in db.execute("SELECT seq FROM changes")]
    assert folded >= 5 and all(seq > folded for seq in kept) and len(kept) <= 12 - folded
    with _started(state) as (client, _):
        assert _state(client) == before


def test_a_change_the_log_cannot_keep_is_refused_and_so_is_everything_after(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with _started(state) as (client, durable):
        _ok(client.delete(f"{API}/clients/client_1", auth=AUTH))
        saved = state.read_bytes()
        assert durable._db is not None
        durable._db.close()  # as a disk that fails: nothing more can be written
        refused = client.delete(f"{API}/clients/mqttx_07cb8109", auth=AUTH)
        assert refused.status_code == 503 and refused.json()["code"] == "SERVICE_UNAVAILABLE"
        assert str(state) in refused.json()["message"]
        assert client.get(f"{API}/clients?_limit=5", auth=AUTH).status_code == 503
        assert not durable.close() and state.read_bytes() == saved
    with _started(state) as (client, _):
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404
        assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).status_code == 200


def test_a_change_whose_checksum_fails_is_dropped_with_every_later_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.json"
    with _started(state) as (client, _):
        _ok(client.delete(f"{API}/clients/client_1", auth=AUTH))
        _ok(client.delete(f"{API}/clients/mqttx_07cb8109", auth=AUTH))
    with closing(sqlite3.connect(tmp_path / "state.json.log.sqlite", isolation_level=None)) as db:
        first = min(seq for (seq,) in db.execute("SELECT seq FROM changes"))
        db.execute(
            "UPDATE changes SET body = CAST(replace(body, 'client_1', 'client_2') AS BLOB) WHERE seq = ?", (first,)
        )
    caplog.set_level(logging.WARNING, logger="emqx_sim")
    with _started(state) as (client, _):
        assert [r.getMessage() for r in caplog.records] == [
            f"{tmp_path / 'state.json.log.sqlite'}: change {first} is corrupt: it and every change after it are dropped"
        ]
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
        assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).status_code == 200


def test_a_second_simulator_on_the_same_state_file_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with _started(state) as (client, _):
        _ok(client.delete(f"{API}/clients/client_1", auth=AUTH))
        with pytest.raises(StoreFailed, match="is another simulator using it"):
            Durable(state).replay(create_app(make_config(state_file=state)).deployment)
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404
    with _started(state) as (client, _):
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404


def test_a_log_without_its_state_file_is_ignored_and_started_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.json"
    with _started(state) as (client, _):
        _ok(client.delete(f"{API}/clients/client_1", auth=AUTH))
    state.unlink()
    caplog.set_level(logging.WARNING, logger="emqx_sim")
    with _started(state) as (client, _):
        assert [r.getMessage() for r in caplog.records] == [
            f"{state}.log.sqlite: no state file {state} beside it: its changes are ignored"
        ]
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
        _ok(client.delete(f"{API}/clients/mqttx_07cb8109", auth=AUTH))
    with _started(state) as (client, _):
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
        assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).status_code == 404


def test_a_wrong_state_file_is_refused_and_leaves_the_log_free(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": "emqx-sim-state/2", "spec": {}}', encoding="utf-8")
    with pytest.raises(InvalidState, match=r"state\.json: spec"):
        Durable(state).replay(create_app(make_config(state_file=state)).deployment)
    state.unlink()
    with _started(state) as (client, _):
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
