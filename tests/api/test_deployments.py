"""Isolated deployments: each sees only its own clients, clock, faults and journal; the limits and idle expiry."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator.app import create_app
from tests.conftest import API, AUTH, make_config


@pytest.fixture
def app() -> Any:
    return create_app(make_config(clients=50, max_deployments=3, deployment_client_budget=1000)).test_client()


def deploy(app: Any, **body: Any) -> tuple[dict[str, Any], tuple[str, str]]:
    answer = app.post(f"{API}/_sim/deployments", json=body, auth=AUTH)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    return made, (made["app_id"], made["app_secret"])


def ids(app: Any, auth: tuple[str, str]) -> set[str]:
    return {client["clientid"] for client in app.get(f"{API}/clients?_limit=10000", auth=auth).json()["data"]}


def test_a_deployment_is_made_as_asked_and_its_credentials_reach_only_it(app: Any) -> None:
    made, auth = deploy(app, clients=20, seed=99, nodes=2, clock="2023-09-15T09:36:20Z")
    assert (made["clients"], made["seed"], len(made["nodes"]), made["dialect"]) == (20, 99, 2, "cloud")
    assert made["clock"] == {"now": "2023-09-15T09:36:20.000+00:00", "now_ms": 1694770580000, "frozen": True}
    own, default = ids(app, auth), ids(app, AUTH)
    assert len(own) == 20 and len(default) == 50
    stranger = sorted(own - default)[0]
    assert app.get(f"{API}/clients/{stranger}", auth=auth).status_code == 200
    assert app.get(f"{API}/clients/{stranger}", auth=AUTH).json()["code"] == "CLIENTID_NOT_FOUND"


def test_the_same_settings_make_the_same_population(app: Any) -> None:
    _, first = deploy(app, clients=30, seed=5, clock="2023-09-15T09:36:20Z")
    _, second = deploy(app, clients=30, seed=5, clock="2023-09-15T09:36:20Z")
    assert app.get(f"{API}/clients", auth=first).content == app.get(f"{API}/clients", auth=second).content


def test_kicks_subscriptions_clock_faults_and_journal_stay_in_their_deployment(app: Any) -> None:
    _, one = deploy(app, clients=20, seed=1, clock="2023-09-15T09:36:20Z")
    _, two = deploy(app, clients=20, seed=1, clock="2023-09-15T09:36:20Z")
    target = sorted(ids(app, one))[0]
    assert app.delete(f"{API}/clients/{target}", auth=one).status_code == 204
    assert app.get(f"{API}/clients/{target}", auth=one).status_code == 404
    assert app.get(f"{API}/clients/{target}", auth=two).status_code == 200
    other = sorted(ids(app, two))[1]
    before = app.get(f"{API}/clients/{other}", auth=two).json()["subscriptions_cnt"]
    subscribed = app.post(f"{API}/clients/{other}/subscribe", json={"topic": "only/two", "qos": 1}, auth=two)
    assert subscribed.status_code == 200
    assert app.get(f"{API}/clients/{other}", auth=two).json()["subscriptions_cnt"] == before + 1
    assert app.get(f"{API}/clients/{other}", auth=one).json()["subscriptions_cnt"] == before
    assert app.post(f"{API}/_sim/clock/advance", json={"seconds": 3600}, auth=one).status_code == 200
    assert app.get(f"{API}/_sim/clock", auth=one).json()["now"] == "2023-09-15T10:36:20.000+00:00"
    assert app.get(f"{API}/_sim/clock", auth=two).json()["now"] == "2023-09-15T09:36:20.000+00:00"
    rule = {"operation": "getClient", "status": 503}
    assert app.post(f"{API}/_sim/faults", json=rule, auth=one).status_code == 201
    assert app.get(f"{API}/clients/{other}", auth=one).status_code == 503
    assert app.get(f"{API}/clients/{other}", auth=two).status_code == 200
    assert app.get(f"{API}/clients/{other}", auth=AUTH).status_code in (200, 404)
    journal = app.get(f"{API}/_sim/journal?operationId=getClient&status=503", auth=one).json()["data"]
    assert len(journal) == 1
    assert app.get(f"{API}/_sim/journal?status=503", auth=two).json()["data"] == []
    assert app.get(f"{API}/_sim/journal?status=503", auth=AUTH).json()["data"] == []
    assert target not in app.get(f"{API}/_sim/state", auth=two).json()["removed"]
    assert target in app.get(f"{API}/_sim/state", auth=one).json()["removed"]


def test_prefer_acts_on_the_request_of_any_deployment(app: Any) -> None:
    _, auth = deploy(app, clients=5)
    answer = app.get(f"{API}/clients", auth=auth, headers={"Prefer": "code=429"})
    assert answer.status_code == 429 and answer.json()["code"] == "TOO_MANY_REQUESTS"


def test_a_deployment_is_listed_got_and_removed(app: Any) -> None:
    made, auth = deploy(app, clients=5)
    listed = app.get(f"{API}/_sim/deployments", auth=AUTH).json()
    assert [item["id"] for item in listed["data"]] == ["default", made["id"]]
    assert listed["data"][0]["app_id"] == "app_id"
    assert app.get(f"{API}/_sim/deployments/{made['id']}", auth=AUTH).json()["clients"] == 5
    seen_by_itself = app.get(f"{API}/_sim/deployments", auth=auth).json()["data"]
    assert [item["id"] for item in seen_by_itself] == [made["id"]]
    assert app.get(f"{API}/_sim/deployments/default", auth=auth).status_code == 404
    assert app.delete(f"{API}/_sim/deployments/{made['id']}", auth=AUTH).status_code == 204
    gone = app.get(f"{API}/clients", auth=auth)
    assert (gone.status_code, gone.json()["code"]) == (401, "BAD_API_KEY_OR_SECRET")
    assert app.delete(f"{API}/_sim/deployments/{made['id']}", auth=AUTH).status_code == 404
    refused = app.delete(f"{API}/_sim/deployments/default", auth=AUTH)
    assert (refused.status_code, refused.json()["code"]) == (400, "BAD_REQUEST")
    assert app.get(f"{API}/clients", auth=AUTH).json()["meta"]["count"] == 50


def test_an_isolated_deployment_cannot_remove_another(app: Any) -> None:
    first, _ = deploy(app, clients=5)
    _, second = deploy(app, clients=5)
    assert app.delete(f"{API}/_sim/deployments/{first['id']}", auth=second).status_code == 404
    assert app.get(f"{API}/_sim/deployments/{first['id']}", auth=AUTH).status_code == 200


def test_past_the_limits_a_deployment_is_refused_and_nothing_is_made(app: Any) -> None:
    too_large = app.post(f"{API}/_sim/deployments", json={"clients": 1001}, auth=AUTH)
    assert (too_large.status_code, too_large.json()["code"]) == (413, "CLIENT_BUDGET_EXCEEDED")
    for _ in range(3):
        deploy(app, clients=10)
    too_many = app.post(f"{API}/_sim/deployments", json={"clients": 10}, auth=AUTH)
    assert (too_many.status_code, too_many.json()["code"]) == (409, "TOO_MANY_DEPLOYMENTS")
    assert app.get(f"{API}/_sim/deployments", auth=AUTH).json()["meta"]["count"] == 4


def test_an_isolated_deployment_regenerates_within_the_budget(app: Any) -> None:
    _, auth = deploy(app, clients=400)
    deploy(app, clients=500)
    over = app.post(f"{API}/_sim/regenerate", json={"clients": 501}, auth=auth)
    assert (over.status_code, over.json()["code"]) == (413, "CLIENT_BUDGET_EXCEEDED")
    assert app.get(f"{API}/_sim/status", auth=auth).json()["clients"] == 400
    assert app.post(f"{API}/_sim/regenerate", json={"clients": 500}, auth=auth).json()["clients"] == 500
    assert app.post(f"{API}/_sim/regenerate", json={"clients": 5000}, auth=AUTH).json()["clients"] == 5000


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"scenario": "nope"}, 404, "NOT_FOUND"),
        ({"scenario": "../etc/passwd.yaml"}, 400, "BAD_REQUEST"),
        ({"clock": "yesterday"}, 400, "BAD_REQUEST"),
        ({"dialect": "emqx4"}, 400, "BAD_REQUEST"),
        ({"clients": -1}, 400, "BAD_REQUEST"),
        ({"colour": "red"}, 400, "BAD_REQUEST"),
    ],
)
def test_a_bad_deployment_request_is_refused(app: Any, body: dict[str, Any], status: int, code: str) -> None:
    answer = app.post(f"{API}/_sim/deployments", json=body, auth=AUTH)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert app.get(f"{API}/_sim/deployments", auth=AUTH).json()["meta"]["count"] == 1


def test_an_idle_deployment_expires() -> None:
    app = create_app(make_config(clients=5, deployment_ttl_s=0.2)).test_client()
    _, idle = deploy(app, clients=5)
    _, busy = deploy(app, clients=5)
    for _ in range(4):
        time.sleep(0.1)
        assert app.get(f"{API}/clients", auth=busy).status_code == 200
    assert app.get(f"{API}/_sim/deployments", auth=AUTH).json()["meta"]["count"] == 2
    assert app.get(f"{API}/clients", auth=idle).status_code == 401


def test_an_emqx5_deployment_in_a_cloud_server_answers_the_emqx5_api(app: Any) -> None:
    made, auth = deploy(app, clients=10, dialect="emqx5")
    assert made["dialect"] == "emqx5"
    page = app.get(f"{API}/clients?limit=3", auth=auth).json()
    assert page["meta"]["limit"] == 3 and len(page["data"]) == 3
    assert app.get(f"{API}/clients?limit=3", auth=AUTH).json()["code"] == "BAD_REQUEST"
    login = {"username": made["app_id"], "password": made["app_secret"]}
    token = app.post(f"{API}/login", json=login, auth=auth).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.get(f"{API}/clients", headers=bearer).json() == app.get(f"{API}/clients", auth=auth).json()
    assert app.post(f"{API}/logout", json={"username": made["app_id"]}, headers=bearer).status_code == 204
    assert app.get(f"{API}/clients", headers=bearer).json()["code"] == "BAD_TOKEN"


def test_in_an_emqx5_server_each_deployment_logs_in_its_own_user() -> None:
    app = create_app(make_config(clients=7, dialect="emqx5")).test_client()
    made, auth = deploy(app, clients=3)
    mine = app.post(f"{API}/login", json={"username": made["app_id"], "password": made["app_secret"]}).json()
    admin = app.post(f"{API}/login", json={"username": "admin", "password": "public"}).json()
    as_mine = app.get(f"{API}/clients", headers={"Authorization": f"Bearer {mine['token']}"}).json()
    as_admin = app.get(f"{API}/clients", headers={"Authorization": f"Bearer {admin['token']}"}).json()
    assert as_mine == app.get(f"{API}/clients", auth=auth).json()
    assert as_admin == app.get(f"{API}/clients", auth=AUTH).json()
    assert as_mine != as_admin


def test_a_client_put_in_place_is_listed_kicked_and_exported(app: Any) -> None:
    _, auth = deploy(app, clients=5, clock="2023-09-15T09:36:20Z")
    given = {"state": "connected", "username": "owner", "subscriptions": {"devices/+/cmd": 2}}
    put = app.put(f"{API}/_sim/clients/sensor%2F01", json=given, auth=auth)
    assert put.status_code == 201
    assert (put.json()["clientid"], put.json()["username"], put.json()["subscriptions_cnt"]) == (
        "sensor/01",
        "owner",
        1,
    )
    assert app.get(f"{API}/clients/sensor%2F01", auth=auth).json() == put.json()
    assert app.get(f"{API}/clients?username=owner", auth=auth).json()["meta"]["count"] == 1
    again = app.put(f"{API}/_sim/clients/sensor%2F01", json={"state": "disconnected"}, auth=auth)
    assert again.status_code == 200 and again.json()["connected"] is False
    assert app.get(f"{API}/clients?conn_state=disconnected&clientid=sensor/01", auth=auth).json()["meta"]["count"] == 1
    assert "sensor/01" in {c["identity"]["clientid"] for c in app.get(f"{API}/_sim/state", auth=auth).json()["clients"]}
    assert app.delete(f"{API}/clients/sensor%2F01", auth=auth).status_code == 204
    assert app.get(f"{API}/clients/sensor%2F01", auth=auth).status_code == 404


@pytest.mark.parametrize(
    "given",
    [{"node": "emqx@nowhere"}, {"subscriptions": {"a/#/b": 1}}, {"state": "asleep"}, {"subscriptions": {"a": 3}}],
)
def test_a_client_that_cannot_be_is_refused_and_nothing_changes(app: Any, given: dict[str, Any]) -> None:
    answer = app.put(f"{API}/_sim/clients/dev-1", json=given, auth=AUTH)
    assert answer.status_code == 400 and answer.json()["code"] in ("BAD_REQUEST", "INVALID_PARAMETER")
    assert app.get(f"{API}/clients/dev-1", auth=AUTH).status_code == 404


def test_a_scenario_can_be_given_whole() -> None:
    app = create_app(make_config(clients=5)).test_client()
    scenario = {
        "description": "Two sensors",
        "population": {"clients": 4, "nodes": 1},
        "clients": [{"clientid": "s1", "state": "connected", "subscriptions": {"t/1": 1}}],
    }
    status = app.post(f"{API}/_sim/regenerate", json={"scenario_definition": scenario}, auth=AUTH).json()
    assert (status["scenario"], status["clients"], len(status["nodes"])) == ("inline", 4, 1)
    assert app.get(f"{API}/clients/s1", auth=AUTH).json()["subscriptions_cnt"] == 1
    broken = app.post(f"{API}/_sim/regenerate", json={"scenario_definition": {"population": {}}}, auth=AUTH)
    assert (broken.status_code, broken.json()["code"]) == (400, "INVALID_PARAMETER")
    both = app.post(f"{API}/_sim/regenerate", json={"scenario": "empty", "scenario_definition": scenario}, auth=AUTH)
    assert both.status_code == 400
    assert app.get(f"{API}/_sim/status", auth=AUTH).json()["clients"] == 4
