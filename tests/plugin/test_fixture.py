"""The `emqx_sim` fixture as a test author uses it: each method against the deployment it was given."""

from __future__ import annotations

import datetime

import httpx
import pytest

from simulator.testing import SimDeployment, SimError

FROZEN = "2023-09-15T09:36:20Z"
START = datetime.datetime(2023, 9, 15, 9, 36, 20, tzinfo=datetime.UTC)


@pytest.mark.emqx_sim(scenario="quota-edge", clients=50, clock=FROZEN)
def test_the_marker_makes_the_deployment(emqx_sim: SimDeployment) -> None:
    status = emqx_sim.status()
    assert (status["scenario"], status["clients"]) == ("quota-edge", 50)
    assert emqx_sim.clock.now == START and emqx_sim.clock.frozen
    assert emqx_sim.client().get("/clients").json()["meta"]["count"] == 50
    assert emqx_sim.url.endswith("/api/v5") and emqx_sim.auth[0].startswith("sim-")


@pytest.mark.emqx_sim(clients=20, clock=FROZEN)
def test_the_clock_moves_as_told(emqx_sim: SimDeployment) -> None:
    assert emqx_sim.clock.advance(3600) == START + datetime.timedelta(hours=1)
    assert emqx_sim.clock.advance(datetime.timedelta(minutes=30)) == START + datetime.timedelta(hours=1.5)
    assert emqx_sim.clock.set("2024-01-01T00:00:00Z") == datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    emqx_sim.clock.resume()
    assert not emqx_sim.clock.frozen
    at = datetime.datetime(2025, 5, 5, 5, 5, 5, tzinfo=datetime.UTC)
    assert emqx_sim.clock.freeze(at) == at and emqx_sim.clock.now == at
    with pytest.raises(ValueError):
        emqx_sim.clock.freeze(datetime.datetime(2025, 5, 5))


@pytest.mark.emqx_sim(clients=10, clock=FROZEN)
def test_a_client_put_in_place_is_served(emqx_sim: SimDeployment) -> None:
    made = emqx_sim.add_client("sensor/01", state="disconnected", username="owner", subscriptions={"cmd/#": 1})
    assert (made["clientid"], made["connected"], made["subscriptions_cnt"]) == ("sensor/01", False, 1)
    api = emqx_sim.client()
    assert api.get("/clients/sensor%2F01").json() == made
    assert api.post("/clients/sensor%2F01/subscribe", json={"topic": "a/b", "qos": 2}).status_code == 200
    assert api.get("/clients/sensor%2F01").json()["subscriptions_cnt"] == 2
    with pytest.raises(SimError) as refused:
        emqx_sim.add_client("x", node="emqx@nowhere")
    assert (refused.value.status, refused.value.code) == (400, "BAD_REQUEST")


@pytest.mark.emqx_sim(clients=10, clock=FROZEN)
def test_faults_journal_and_reset(emqx_sim: SimDeployment) -> None:
    api = emqx_sim.client()
    clientid = api.get("/clients").json()["data"][0]["clientid"]
    rule = emqx_sim.fault("kickClient", status=503, times=1)
    assert [r["id"] for r in emqx_sim.faults()] == [rule["id"]]
    assert api.delete(f"/clients/{clientid}").status_code == 503
    assert api.delete(f"/clients/{clientid}").status_code == 204
    assert [e["status"] for e in emqx_sim.journal(operation="kickClient")] == [204, 503]
    assert [e["status"] for e in emqx_sim.journal(status=503)] == [503]
    emqx_sim.fault("getClient", delay_ms=1, error_rate=1.0, status=500)
    emqx_sim.reset()
    assert emqx_sim.faults() == [] and emqx_sim.journal() == []
    assert api.get(f"/clients/{clientid}").status_code == 200


def test_a_whole_scenario_and_the_state(emqx_sim: SimDeployment) -> None:
    scenario = {"description": "one sensor", "population": {"clients": 3}, "clients": [{"clientid": "only"}]}
    assert emqx_sim.scenario(scenario, seed=3)["clients"] == 3
    assert emqx_sim.client().get("/clients/only").status_code == 200
    saved = emqx_sim.export_state()
    emqx_sim.scenario("empty")
    assert emqx_sim.client().get("/clients").json()["meta"]["count"] == 0
    emqx_sim.import_state(saved)
    assert emqx_sim.client().get("/clients/only").status_code == 200


def test_two_tests_never_share_a_deployment(emqx_sim: SimDeployment, emqx_sim_server: object) -> None:
    from simulator.testing import Server

    assert isinstance(emqx_sim_server, Server)
    other = emqx_sim_server.deploy(clients=5)
    try:
        assert other.auth != emqx_sim.auth
        assert other.client().get("/clients").json()["meta"]["count"] == 5
        assert emqx_sim.client().get("/clients").json()["meta"]["count"] == 1000
    finally:
        other.remove()
    assert httpx.get(f"{other.url}/clients", auth=other.auth).status_code == 401
