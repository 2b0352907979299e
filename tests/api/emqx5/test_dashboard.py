"""The Dashboard calls of the emqx5 dialect: log in and out, bearer tokens, changing the password, nodes, telemetry."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import API, AUTH, make_config

NEW_PASSWORD = "newpwd_lkdfki1"
BAD_TOKEN = {"code": "BAD_TOKEN", "message": "Get a token by POST /login"}


@pytest.fixture
def dashboard() -> TestClient:
    """The emqx5 simulator: 300 clients on 3 nodes, Dashboard user `admin` with password `public`."""
    client: TestClient = create_app(make_config(dialect="emqx5")).test_client()
    return client


def _json(response: Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _login(sim: TestClient, password: str = "public") -> str:
    body = _json(sim.post(f"{API}/login", json={"username": "admin", "password": password}))
    token: str = body["token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refused(response: Response, status: int, body: dict[str, str]) -> None:
    assert response.status_code == status, response.text
    assert response.json() == body


def test_login_answers_a_token_the_version_and_the_edition(dashboard: TestClient) -> None:
    body = _json(dashboard.post(f"{API}/login", json={"username": "admin", "password": "public"}))
    assert isinstance(body["token"], str) and body["token"]
    assert isinstance(body["version"], str) and body["version"]
    assert body["license"]["edition"] == "ce"


def test_a_wrong_password_is_refused(dashboard: TestClient) -> None:
    response = dashboard.post(f"{API}/login", json={"username": "admin", "password": "wrong"})
    _refused(response, 401, {"code": "BAD_USERNAME_OR_PWD", "message": "Auth failed"})
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize("path", ["/clients", "/clients_v2", "/nodes", "/telemetry/status"])
def test_the_token_is_a_credential(dashboard: TestClient, path: str) -> None:
    token = _login(dashboard)
    by_key = _json(dashboard.get(f"{API}{path}", auth=AUTH))
    assert _json(dashboard.get(f"{API}{path}", headers=_bearer(token))) == by_key


def test_an_unknown_token_is_refused(dashboard: TestClient) -> None:
    response = dashboard.get(f"{API}/clients", headers=_bearer("not-a-token-of-this-server"))
    _refused(response, 401, BAD_TOKEN)
    assert "www-authenticate" not in response.headers


def test_a_token_outlives_the_simulated_clock(dashboard: TestClient) -> None:
    token = _login(dashboard)
    advanced = dashboard.post(f"{API}/_sim/clock/advance", auth=AUTH, json={"seconds": 7200})
    assert advanced.status_code == 200, advanced.text
    for _ in range(3):
        assert dashboard.get(f"{API}/telemetry/status", headers=_bearer(token)).status_code == 200


def test_logout_ends_the_token(dashboard: TestClient) -> None:
    token = _login(dashboard)
    response = dashboard.post(f"{API}/logout", headers=_bearer(token), json={"username": "admin"})
    assert response.status_code == 204, response.text
    _refused(dashboard.get(f"{API}/clients", headers=_bearer(token)), 401, BAD_TOKEN)
    assert dashboard.get(f"{API}/clients", headers=_bearer(_login(dashboard))).status_code == 200


def test_logout_takes_no_api_key(dashboard: TestClient) -> None:
    response = dashboard.post(f"{API}/logout", auth=AUTH, json={"username": "admin"})
    message = "Please use bearer Token instead, using API key/secret in logout path is not permitted"
    _refused(response, 401, {"code": "API_KEY_NOT_ALLOW", "message": message})


def test_changing_the_password_ends_the_tokens(dashboard: TestClient) -> None:
    token = _login(dashboard)
    body = {"old_pwd": "public", "new_pwd": NEW_PASSWORD}
    response = dashboard.post(f"{API}/users/admin/change_pwd", headers=_bearer(token), json=body)
    assert response.status_code == 204, response.text
    _refused(dashboard.get(f"{API}/clients", headers=_bearer(token)), 401, BAD_TOKEN)
    old = dashboard.post(f"{API}/login", json={"username": "admin", "password": "public"})
    _refused(old, 401, {"code": "BAD_USERNAME_OR_PWD", "message": "Auth failed"})
    assert dashboard.get(f"{API}/clients", headers=_bearer(_login(dashboard, NEW_PASSWORD))).status_code == 200


def test_a_wrong_old_password_changes_nothing(dashboard: TestClient) -> None:
    body = {"old_pwd": "not-public", "new_pwd": NEW_PASSWORD}
    response = dashboard.post(f"{API}/users/admin/change_pwd", auth=AUTH, json=body)
    _refused(response, 400, {"code": "ERROR_PWD_NOT_MATCH", "message": "Old password not match"})
    assert _login(dashboard)


@pytest.mark.parametrize("nodes", [3, 1])
def test_nodes_count_their_clients(nodes: int) -> None:
    sim: TestClient = create_app(make_config(dialect="emqx5", nodes=nodes)).test_client()
    listed = _json(sim.get(f"{API}/nodes", auth=AUTH))
    assert sorted(node["node"] for node in listed) == [f"emqx@10.0.0.{n}" for n in range(1, nodes + 1)]
    for node in listed:
        assert node["node_status"] == "running"
        assert isinstance(node["version"], str) and node["version"]
        assert isinstance(node["memory_total"], str) and node["memory_total"]
        name = node["node"]
        connections = _json(sim.get(f"{API}/clients?node={name}&limit=1", auth=AUTH))["meta"]["count"]
        live = _json(sim.get(f"{API}/clients?node={name}&conn_state=connected&limit=1", auth=AUTH))["meta"]["count"]
        assert (node["connections"], node["live_connections"]) == (connections, live), name
    total = _json(sim.get(f"{API}/clients?limit=1", auth=AUTH))["meta"]["count"]
    assert sum(node["connections"] for node in listed) == total > sum(node["live_connections"] for node in listed)


def test_telemetry_status(dashboard: TestClient) -> None:
    body = _json(dashboard.get(f"{API}/telemetry/status", auth=AUTH))
    assert list(body) == ["enable"] and isinstance(body["enable"], bool)


def test_the_overview_counts_the_simulated_clients() -> None:
    """What the dashboard's overview polls after login: statistics, current gauges, history, subscriptions."""
    client = create_app(make_config(dialect="emqx5")).test_client()
    listed = client.get(f"{API}/clients?limit=1", auth=AUTH).json()["meta"]["count"]
    nodes = client.get(f"{API}/stats", auth=AUTH).json()
    assert sum(node["connections.count"] for node in nodes) == listed
    cluster = client.get(f"{API}/stats?aggregate=true", auth=AUTH).json()
    assert cluster["connections.count"] == listed
    current = client.get(f"{API}/monitor_current", auth=AUTH).json()
    assert current["connections"] == listed and current["subscriptions"] == cluster["subscriptions.count"]
    samples = client.get(f"{API}/monitor?latest=60", auth=AUTH).json()
    assert len(samples) == 6 and samples == client.get(f"{API}/monitor?latest=60", auth=AUTH).json()
    assert [b["time_stamp"] - a["time_stamp"] for a, b in itertools.pairwise(samples)] == [10_000] * 5
    everything = client.get(f"{API}/subscriptions?limit=10000", auth=AUTH).json()
    assert len(everything["data"]) == cluster["subscriptions.count"] and not everything["meta"]["hasnext"]
    assert client.post(f"{API}/clients/client_1/subscribe", json={"topic": "t/x"}, auth=AUTH).status_code == 200
    mine = client.get(f"{API}/subscriptions?clientid=client_1", auth=AUTH).json()["data"]
    assert [(s["clientid"], s["topic"]) for s in mine] == [("client_1", "t/x")]
