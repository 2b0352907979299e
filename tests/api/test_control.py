"""The control API: scenarios, clock, faults, journal and state, each bad input refused with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from simulator import aside
from tests.conftest import API, AUTH, FROZEN_AT

READ = aside._read

SIM = f"{API}/_sim"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _refused(response: Any, status: int, code: str, words: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and words in body["message"], body


def _ids(client: Any, query: str = "") -> list[str]:
    return [c["clientid"] for c in _ok(client.get(f"{API}/clients?_limit=10000&{query}", auth=AUTH))["data"]]


@pytest.fixture
def control(make_client: Callable[..., Any]) -> Any:
    return make_client(clients=120)


def test_every_control_operation_needs_credentials(control: Any) -> None:
    calls = [
        control.get(f"{SIM}/status"),
        control.post(f"{SIM}/reset"),
        control.post(f"{SIM}/regenerate", json={}),
        control.get(f"{SIM}/scenarios"),
        control.get(f"{SIM}/clock"),
        control.put(f"{SIM}/clock", json={"frozen": True}),
        control.post(f"{SIM}/clock/advance", json={"seconds": 1}),
        control.get(f"{SIM}/faults"),
        control.post(f"{SIM}/faults", json={"status": 503}),
        control.delete(f"{SIM}/faults"),
        control.delete(f"{SIM}/faults/fault-1"),
        control.get(f"{SIM}/journal"),
        control.delete(f"{SIM}/journal"),
        control.get(f"{SIM}/state"),
        control.put(f"{SIM}/state", json={}),
    ]
    for response in calls:
        _refused(response, 401, "AUTHORIZATION_HEADER_ERROR")
        assert response.headers["www-authenticate"].startswith("Basic")


def test_status(control: Any) -> None:
    status = _ok(control.get(f"{SIM}/status", auth=AUTH))
    assert status["scenario"] == "default" and status["seed"] == 7 and status["clients"] == 120
    assert status["nodes"] == ["emqx@10.0.0.1", "emqx@10.0.0.2", "emqx@10.0.0.3"]
    assert status["clock"] == {"now": "2023-09-15T09:36:20.000+00:00", "now_ms": FROZEN_AT, "frozen": True}
    assert status["churn"] is None


def test_reset_undoes_kicks_and_subscriptions(control: Any) -> None:
    before = control.get(f"{API}/clients?_limit=10000", auth=AUTH).content
    _ok(control.delete(f"{API}/clients/client_1", auth=AUTH), 204)
    _ok(control.post(f"{API}/clients/mqttx_07cb8109/subscribe", auth=AUTH, json={"topic": "t/a"}))
    assert control.get(f"{API}/clients?_limit=10000", auth=AUTH).content != before
    assert _ok(control.post(f"{SIM}/reset", auth=AUTH))["clients"] == 120
    assert control.get(f"{API}/clients?_limit=10000", auth=AUTH).content == before


@pytest.mark.parametrize(
    ("scenario", "clients"),
    [("docs-examples", 2), ("empty", 0), ("quota-edge", 200), ("mixed-protocols", 300), ("flapping", 300)],
)
def test_built_in_scenarios(control: Any, scenario: str, clients: int) -> None:
    status = _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"scenario": scenario}))
    assert status["scenario"] == scenario and status["clients"] == clients
    listed = _ok(control.get(f"{API}/clients?_limit=10000", auth=AUTH))
    assert listed["meta"]["count"] == clients
    if scenario == "docs-examples":
        assert sorted(_ids(control)) == ["client_1", "mqttx_07cb8109"]
    if scenario == "quota-edge":
        full_ones = [c for c in listed["data"] if c["subscriptions_cnt"] == c["subscriptions_max"]]
        assert len(full_ones) > 180
        assert all(c["subscriptions_cnt"] in (0, c["subscriptions_max"]) for c in listed["data"])
        full = full_ones[5]
        _ok(control.post(f"{API}/clients/{full['clientid']}/subscribe", auth=AUTH, json={"topic": "one/more"}))
        again = _ok(control.get(f"{API}/clients/{full['clientid']}", auth=AUTH))
        assert again["subscriptions_cnt"] == full["subscriptions_max"]
    if scenario == "mixed-protocols":
        names = [c["proto_name"] for c in listed["data"]]
        assert min(names.count(name) for name in ("MQTT", "MQTT-SN", "CoAP")) > 60
        assert {"mqtt311-thermostat", "mqttsn-sensor-01", "coap-meter-01"} <= set(_ids(control))
    if scenario == "flapping":
        assert status["churn"] == {"disconnects": 0.05, "reconnects": 0.3, "arrivals": 2}


def test_regenerate_with_a_new_seed_size_and_nodes(control: Any) -> None:
    status = _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"seed": 99, "clients": 40, "nodes": 2}))
    assert (status["seed"], status["clients"], len(status["nodes"])) == (99, 40, 2)
    first = _ids(control)
    _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"seed": 99, "clients": 40, "nodes": 2}))
    assert _ids(control) == first
    _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"seed": 100}))
    assert _ids(control) != first and len(_ids(control)) == 40


def test_a_population_built_in_a_process_of_its_own_is_the_one_built_in_a_thread(
    control: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large populations are regenerated and reset in a worker process; they answer byte for byte as the same spec
    built in the server's thread (the default below `ASIDE_FROM` clients)."""
    body = {"seed": 7, "clients": 300, "nodes": 2}
    _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json=body))
    in_thread = control.get(f"{API}/clients?_limit=300", auth=AUTH).content
    monkeypatch.setattr(aside, "ASIDE_FROM", 1)
    read: list[Any] = []

    def reading(source: BinaryIO) -> Any:
        read.append(source)
        return READ(source)

    monkeypatch.setattr(aside, "_read", reading)
    _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"seed": 8}))
    _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json=body))
    assert control.get(f"{API}/clients?_limit=300", auth=AUTH).content == in_thread
    _ok(control.delete(f"{API}/clients/{_ids(control)[0]}", auth=AUTH), 204)
    _ok(control.post(f"{SIM}/reset", auth=AUTH))
    assert control.get(f"{API}/clients?_limit=300", auth=AUTH).content == in_thread
    assert len(read) == 3


def test_a_worker_that_fails_leaves_the_build_to_a_thread(control: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aside, "ASIDE_FROM", 1)
    monkeypatch.setattr(aside, "PYTHON", "false")
    status = _ok(control.post(f"{SIM}/regenerate", auth=AUTH, json={"seed": 9, "clients": 50}))
    assert (status["seed"], status["clients"]) == (9, 50)
    assert len(_ids(control)) == 50


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"scenario": "no-such-scenario"}, 404, "NOT_FOUND", "unknown scenario 'no-such-scenario'"),
        ({"scenario": "/etc/passwd"}, 400, "BAD_REQUEST", "scenario name"),
        ({"clients": -1}, 400, "BAD_REQUEST", "clients"),
        ({"nodes": 0}, 400, "BAD_REQUEST", "nodes"),
        ({"colour": "blue"}, 400, "BAD_REQUEST", "colour"),
    ],
)
def test_bad_regenerations_change_nothing(
    control: Any, body: dict[str, Any], status: int, code: str, words: str
) -> None:
    before = control.get(f"{SIM}/status", auth=AUTH).content
    _refused(control.post(f"{SIM}/regenerate", auth=AUTH, json=body), status, code, words)
    assert control.get(f"{SIM}/status", auth=AUTH).content == before


def test_scenarios_are_listed(control: Any) -> None:
    listed = {item["name"]: item["description"] for item in _ok(control.get(f"{SIM}/scenarios", auth=AUTH))["data"]}
    assert {"default", "empty", "docs-examples", "quota-edge", "flapping", "mixed-protocols", "large"} <= set(listed)
    assert all(listed.values())


def test_clock_freeze_resume_set_advance(control: Any) -> None:
    assert _ok(control.get(f"{SIM}/clock", auth=AUTH))["frozen"] is True
    moved = _ok(control.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 90.5}))
    assert moved["now_ms"] == FROZEN_AT + 90_500 and moved["frozen"] is True
    jumped = _ok(control.put(f"{SIM}/clock", auth=AUTH, json={"now": "2024-01-01T00:00:00Z"}))
    assert jumped["now"] == "2024-01-01T00:00:00.000+00:00"
    running = _ok(control.put(f"{SIM}/clock", auth=AUTH, json={"frozen": False}))
    assert running["frozen"] is False and running["now_ms"] >= jumped["now_ms"]
    frozen = _ok(control.put(f"{SIM}/clock", auth=AUTH, json={"frozen": True}))
    assert frozen["frozen"] is True


@pytest.mark.parametrize(
    ("path", "method", "body", "words"),
    [
        ("/clock/advance", "post", {"seconds": -5}, "seconds"),
        ("/clock/advance", "post", {}, "seconds"),
        ("/clock/advance", "post", {"seconds": "soon"}, "seconds"),
        ("/clock", "put", {"now": "next tuesday"}, "now"),
        ("/clock", "put", {}, "body"),
        ("/clock", "put", {"frozen": "yes"}, "frozen"),
    ],
)
def test_bad_clock_moves_change_nothing(control: Any, path: str, method: str, body: Any, words: str) -> None:
    before = control.get(f"{SIM}/clock", auth=AUTH).content
    response = getattr(control, method)(f"{SIM}{path}", auth=AUTH, json=body)
    _refused(response, 400, "BAD_REQUEST", words)
    assert control.get(f"{SIM}/clock", auth=AUTH).content == before


def test_advancing_grows_counters_and_expires_sessions(control: Any) -> None:
    before = {c["clientid"]: c for c in _ok(control.get(f"{API}/clients?_limit=10000", auth=AUTH))["data"]}
    disconnected = [cid for cid, c in before.items() if "disconnected_at" in c]
    assert disconnected
    _ok(control.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 2 * 86400}))
    after = {c["clientid"]: c for c in _ok(control.get(f"{API}/clients?_limit=10000", auth=AUTH))["data"]}
    assert not set(disconnected) & set(after)
    assert set(after) == set(before) - set(disconnected)
    assert after["client_1"]["recv_msg"] > before["client_1"]["recv_msg"]


def test_churn_moves_clients_deterministically(make_client: Callable[..., Any]) -> None:
    def run() -> tuple[list[str], list[str]]:
        client = make_client(clients=120)
        _ok(client.post(f"{SIM}/regenerate", auth=AUTH, json={"scenario": "flapping"}))
        before = _ids(client, "conn_state=disconnected")
        _ok(client.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 600}))
        return before, _ids(client)

    first_before, first_after = run()
    second_before, second_after = run()
    assert (first_before, first_after) == (second_before, second_after)
    client = make_client(clients=120)
    _ok(client.post(f"{SIM}/regenerate", auth=AUTH, json={"scenario": "flapping"}))
    start = {c["clientid"]: c for c in _ok(client.get(f"{API}/clients?_limit=10000", auth=AUTH))["data"]}
    _ok(client.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 600}))
    end = {c["clientid"]: c for c in _ok(client.get(f"{API}/clients?_limit=10000", auth=AUTH))["data"]}
    arrived = set(end) - set(start)
    assert len(arrived) >= 10
    for cid in arrived:
        assert "2023-09-15T09:36:20.000+00:00" < end[cid]["created_at"] <= "2023-09-15T09:46:20.000+00:00"
        assert end[cid]["connected"] or end[cid]["disconnected_at"] > end[cid]["connected_at"]
    assert sum(end[cid]["connected"] for cid in arrived) > len(arrived) // 2
    flipped = [cid for cid in set(start) & set(end) if start[cid]["connected"] != end[cid]["connected"]]
    assert len(flipped) >= 10
    for item in end.values():
        assert item["created_at"] <= item["connected_at"]
        assert ("disconnected_at" in item) == (
            not item["connected"] and item["expiry_interval"] > 0 and "disconnected_at" in item
        )


def test_churn_flag_turns_on_the_default_churn(make_client: Callable[..., Any]) -> None:
    client = make_client(clients=200, churn=True)
    assert _ok(client.get(f"{SIM}/status", auth=AUTH))["churn"] == {
        "disconnects": 0.02,
        "reconnects": 0.1,
        "arrivals": 1.0,
    }
    before = set(_ids(client))
    _ok(client.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 300}))
    assert set(_ids(client)) != before


def test_fault_on_kick_fails_it_once_and_changes_nothing(control: Any) -> None:
    rule = _ok(
        control.post(f"{SIM}/faults", auth=AUTH, json={"operation": "kickClient", "status": 503, "times": 1}), 201
    )
    assert rule["id"] and rule["operation"] == "kickClient" and rule["hits"] == 0
    failed = control.delete(f"{API}/clients/client_1", auth=AUTH)
    _refused(failed, 503, "SERVICE_UNAVAILABLE")
    _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    assert _ok(control.get(f"{SIM}/faults", auth=AUTH))["data"] == []
    _ok(control.delete(f"{API}/clients/client_1", auth=AUTH), 204)


def test_fault_rules_by_rate_latency_and_custom_body(control: Any) -> None:
    body = {"operation": "getClient", "status": 500, "code": "NODE_DOWN", "message": "bad rpc call", "error_rate": 0.5}
    _ok(control.post(f"{SIM}/faults", auth=AUTH, json=body), 201)
    statuses = [control.get(f"{API}/clients/client_1", auth=AUTH).status_code for _ in range(60)]
    assert 10 < statuses.count(500) < 50 and statuses.count(200) == 60 - statuses.count(500)
    failed = next(
        r for r in (control.get(f"{API}/clients/client_1", auth=AUTH) for _ in range(20)) if r.status_code == 500
    )
    assert failed.json() == {"code": "NODE_DOWN", "message": "bad rpc call"}
    assert _ok(control.get(f"{API}/clients?_limit=1", auth=AUTH))
    listed = _ok(control.get(f"{SIM}/faults", auth=AUTH))["data"]
    assert listed[0]["hits"] >= 60
    _ok(control.delete(f"{SIM}/faults/{listed[0]['id']}", auth=AUTH), 204)
    _refused(control.delete(f"{SIM}/faults/{listed[0]['id']}", auth=AUTH), 404, "NOT_FOUND")
    delay = _ok(control.post(f"{SIM}/faults", auth=AUTH, json={"delay_ms": 150}), 201)
    assert delay["operation"] == "*"
    _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    latest = _ok(control.get(f"{SIM}/journal?limit=1", auth=AUTH))["data"][0]
    assert latest["latency_ms"] >= 150
    _ok(control.delete(f"{SIM}/faults", auth=AUTH), 204)
    assert _ok(control.get(f"{SIM}/faults", auth=AUTH))["data"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"operation": "kickEveryone", "status": 503},
        {"status": 200},
        {"status": 503, "error_rate": 2},
        {"delay_ms": 500, "delay_max_ms": 100},
        {"delay_ms": -1},
        {},
        {"status": 503, "code": "lower case"},
    ],
)
def test_malformed_fault_rules_are_refused(control: Any, body: dict[str, Any]) -> None:
    _refused(control.post(f"{SIM}/faults", auth=AUTH, json=body), 400, "BAD_REQUEST")
    assert _ok(control.get(f"{SIM}/faults", auth=AUTH))["data"] == []


def test_prefer_header_forces_status_and_delay(control: Any) -> None:
    forced = control.get(f"{API}/clients/client_1", auth=AUTH, headers={"Prefer": "code=503"})
    _refused(forced, 503, "SERVICE_UNAVAILABLE", "Prefer")
    kicked = control.delete(f"{API}/clients/client_1", auth=AUTH, headers={"Prefer": "code=500, delay=120"})
    _refused(kicked, 500, "INTERNAL_ERROR")
    _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    slow = control.get(f"{API}/clients/client_1", auth=AUTH, headers={"Prefer": "delay=120"})
    assert slow.status_code == 200
    entries = _ok(control.get(f"{SIM}/journal?limit=4", auth=AUTH))["data"]
    assert entries[0]["latency_ms"] >= 120 and entries[2]["latency_ms"] >= 120
    _refused(control.get(f"{API}/clients/client_1", headers={"Prefer": "code=503"}), 401, "AUTHORIZATION_HEADER_ERROR")
    assert control.get(f"{API}/clients/client_1", auth=AUTH, headers={"Prefer": "code=200, weird"}).status_code == 200


def test_journal_records_the_emulated_api_only(control: Any) -> None:
    control.get(f"{API}/clients?_limit=2&conn_state=connected", auth=AUTH)
    control.delete(f"{API}/clients/ghost", auth=AUTH)
    control.get(f"{API}/clients?_limit=0", auth=AUTH)
    control.get(f"{API}/clients")
    control.get(f"{SIM}/status", auth=AUTH)
    control.get(f"{API}/openapi.json")
    journal = _ok(control.get(f"{SIM}/journal", auth=AUTH))
    assert journal["meta"] == {"count": 4, "size": 4, "capacity": 1000}
    newest, invalid, missing, listed = journal["data"]
    assert (newest["status"], newest["error"], newest["operationId"]) == (
        401,
        "Support authorization: basic/bearer ",
        "listClients",
    )
    assert invalid["status"] == 400 and "_limit" in invalid["error"]
    assert (missing["method"], missing["path"], missing["status"]) == ("DELETE", f"{API}/clients/ghost", 404)
    assert missing["operationId"] == "kickClient" and missing["error"] == "Client ID not found"
    assert listed["query"] == {"_limit": ["2"], "conn_state": ["connected"]} and listed["error"] is None
    assert listed["time"] == "2023-09-15T09:36:20.000+00:00" and listed["latency_ms"] > 0
    only_kicks = _ok(control.get(f"{SIM}/journal?operationId=kickClient", auth=AUTH))["data"]
    assert [entry["path"] for entry in only_kicks] == [f"{API}/clients/ghost"]
    assert len(_ok(control.get(f"{SIM}/journal?status=400", auth=AUTH))["data"]) == 1
    _ok(control.delete(f"{SIM}/journal", auth=AUTH), 204)
    assert _ok(control.get(f"{SIM}/journal", auth=AUTH))["data"] == []


def test_journal_is_a_bounded_ring(make_client: Callable[..., Any]) -> None:
    client = make_client(clients=10, journal_size=5)
    for page in range(1, 9):
        client.get(f"{API}/clients?_page={page}", auth=AUTH)
    journal = _ok(client.get(f"{SIM}/journal", auth=AUTH))
    assert journal["meta"] == {"count": 5, "size": 5, "capacity": 5}
    assert [entry["query"]["_page"] for entry in journal["data"]] == [["8"], ["7"], ["6"], ["5"], ["4"]]


def test_export_import_round_trip(make_client: Callable[..., Any]) -> None:
    source = make_client(clients=150)
    _ok(source.delete(f"{API}/clients/client_1", auth=AUTH), 204)
    generated = [c["clientid"] for c in _ok(source.get(f"{API}/clients?_limit=3", auth=AUTH))["data"]]
    _ok(source.delete(f"{API}/clients/{generated[0]}", auth=AUTH), 204)
    _ok(source.post(f"{API}/clients/{generated[1]}/subscribe", auth=AUTH, json={"topic": "x/y"}))
    _ok(source.post(f"{API}/clients/mqttx_07cb8109/subscribe/bulk", auth=AUTH, json=[{"topic": "a/#", "qos": 2}]))
    _ok(source.post(f"{SIM}/clock/advance", auth=AUTH, json={"seconds": 120}))
    state = _ok(source.get(f"{SIM}/state", auth=AUTH))
    target = make_client(clients=30, seed=1)
    status = _ok(target.put(f"{SIM}/state", auth=AUTH, json=state))
    assert status == _ok(source.get(f"{SIM}/status", auth=AUTH))
    assert status["clients"] == 148 and status["clock"]["now_ms"] == FROZEN_AT + 120_000
    assert state["format"] == "emqx-sim-state/2" and state["removed"] == [generated[0], "client_1"]
    assert [c["identity"]["clientid"] for c in state["clients"]] == [generated[1], "mqttx_07cb8109"]
    for query in ("_limit=10000", "conn_state=disconnected", "_like_clientid=mqttx", "_page=3&_limit=20"):
        assert (
            target.get(f"{API}/clients?{query}", auth=AUTH).content
            == source.get(f"{API}/clients?{query}", auth=AUTH).content
        )
    assert json.loads(target.get(f"{SIM}/state", auth=AUTH).content) == state


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s.update(format="other"), "format"),
        (lambda s: s["clients"][0].update(state="asleep"), "clients[0].state"),
        (lambda s: s["clients"][1]["identity"].update(port="80"), "clients[1].identity.port"),
        (lambda s: s["clients"][2]["identity"].pop("username"), "clients[2].identity.username"),
        (lambda s: s["clients"].append(s["clients"][0]), "clientid appears twice"),
        (lambda s: s["clock"].update(now_ms="soon"), "clock"),
        (lambda s: s.update(removed=[1]), "removed"),
        (lambda s: s["spec"].update(clients=-1), "spec"),
        (lambda s: s["spec"].update(protocols=[0, 0, 0]), "spec"),
    ],
)
def test_corrupt_states_change_nothing(control: Any, change: Callable[[dict[str, Any]], Any], where: str) -> None:
    for listed in _ok(control.get(f"{API}/clients?_limit=2", auth=AUTH))["data"]:
        _ok(control.post(f"{API}/clients/{listed['clientid']}/subscribe", auth=AUTH, json={"topic": "x/y"}))
    state = _ok(control.get(f"{SIM}/state", auth=AUTH))
    assert len(state["clients"]) == 4
    before = control.get(f"{API}/clients?_limit=10000", auth=AUTH).content
    change(state)
    response = control.put(f"{SIM}/state", auth=AUTH, json=state)
    assert response.status_code == 400 and where in response.json()["message"], response.text
    assert control.get(f"{API}/clients?_limit=10000", auth=AUTH).content == before


def test_a_scenario_file_of_ones_own(make_client: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(
        "description: Two pinned lab devices.\n"
        "population: {clients: 5, nodes: 1, documented: false}\n"
        "clients:\n"
        "  - {clientid: lab-1, username: alice, state: disconnected, subscriptions: {lab/+/temp: 1}}\n"
        "  - {clientid: lab-2, proto_name: MQTT, proto_ver: 3, state: idle}\n",
        encoding="utf-8",
    )
    client = make_client(scenario=str(tmp_path / "lab.yaml"), clients=None)
    assert _ok(client.get(f"{SIM}/status", auth=AUTH))["scenario"] == "lab"
    assert len(_ids(client)) == 5 and "client_1" not in _ids(client)
    lab1 = _ok(client.get(f"{API}/clients/lab-1", auth=AUTH))
    assert (lab1["username"], lab1["connected"], lab1["subscriptions_cnt"]) == ("alice", False, 1)
    assert "disconnected_at" in lab1 and lab1["expiry_interval"] > 0
    lab2 = _ok(client.get(f"{API}/clients/lab-2", auth=AUTH))
    assert (lab2["proto_ver"], lab2["connected"], lab2["subscriptions_cnt"]) == (3, False, 0)
    by_dir = make_client(scenario_dirs=(tmp_path,), clients=None)
    _ok(by_dir.post(f"{SIM}/regenerate", auth=AUTH, json={"scenario": "lab"}))
    assert len(_ids(by_dir)) == 5 and {"lab-1", "lab-2"} <= set(_ids(by_dir))
