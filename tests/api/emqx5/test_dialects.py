"""Both dialects over one seed simulate one deployment: the emqx5 clients are the cloud clients EMQX 5 would list."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import API, AUTH, make_config

SHARED_FIELDS = ("clientid", "username", "ip_address", "node", "proto_ver", "clean_start", "connected_at", "created_at")
Clients = dict[str, dict[str, Any]]
"""Clients by clientid."""


def _app(dialect: str, seed: int) -> TestClient:
    client: TestClient = create_app(make_config(dialect=dialect, seed=seed, clients=300)).test_client()
    return client


def _body(sim: TestClient, query: str) -> Any:
    response = sim.get(f"{API}/clients?{query}", auth=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def _cloud(sim: TestClient, query: str = "") -> Clients:
    return {client["clientid"]: client for client in _body(sim, f"_limit=10000&{query}")["data"]}


def _emqx5(sim: TestClient) -> Clients:
    """Every client of `GET /clients`, page after page while `meta.hasnext` says there may be more."""
    found: Clients = {}
    for page in range(1, 100):
        body = _body(sim, f"page={page}&limit=40")
        for client in body["data"]:
            assert client["clientid"] not in found, client["clientid"]
            found[client["clientid"]] = client
        if not body["meta"]["hasnext"]:
            return found
    raise AssertionError("GET /clients never reached its last page")


@pytest.fixture(scope="module", params=[7, 20230915], ids=lambda seed: f"seed={seed}")
def both(request: pytest.FixtureRequest) -> tuple[Clients, Clients, Clients]:
    """The cloud clients, those of them EMQX 5 would list (MQTT, connected or disconnected), and the emqx5 ones."""
    cloud = _app("cloud", request.param)
    listed = {
        **_cloud(cloud, "proto_name=MQTT&conn_state=connected"),
        **_cloud(cloud, "proto_name=MQTT&conn_state=disconnected"),
    }
    return _cloud(cloud), listed, _emqx5(_app("emqx5", request.param))


def test_every_emqx5_client_is_the_same_cloud_client(both: tuple[Clients, Clients, Clients]) -> None:
    cloud, _, emqx5 = both
    assert emqx5
    for clientid, client in emqx5.items():
        assert clientid in cloud
        assert {f: client[f] for f in SHARED_FIELDS} == {f: cloud[clientid][f] for f in SHARED_FIELDS}, clientid


def test_emqx5_lists_the_mqtt_sessions_and_nothing_else(both: tuple[Clients, Clients, Clients]) -> None:
    cloud, listed, emqx5 = both
    assert any(not c["connected"] and "disconnected_at" not in c for c in cloud.values()), "no idle client to leave out"
    assert any(c["proto_name"] != "MQTT" for c in cloud.values()), "no gateway client to leave out"
    assert sorted(emqx5) == sorted(listed)


def test_emqx5_clients_have_the_emqx5_fields(both: tuple[Clients, Clients, Clients]) -> None:
    _, _, emqx5 = both
    for clientid, client in emqx5.items():
        assert "zone" not in client, clientid
        assert client["mountpoint"] is None, clientid
        assert client["durable"] is False and client["is_expired"] is False, clientid
        assert isinstance(client["client_attrs"], dict), clientid
