"""The direct route for reads and kicks answers exactly as the full connexion pipeline does, and leaves every
request it cannot answer exactly (errors, CORS, faults, `Prefer`, bodies) to that pipeline."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.fastpath import FastPath
from simulator.views import client_view
from tests.conftest import API, AUTH, make_config

REQUESTS = [
    ("GET", "/clients"),
    ("GET", "/clients?_page=2&_limit=7"),
    ("GET", "/clients?conn_state=disconnected&proto_ver=5&_limit=3"),
    ("GET", "/clients?clean_start=false&zone=default&_page=3&_limit=5"),
    ("GET", "/clients?_like_clientid=de&_like_username=a&_limit=4"),
    ("GET", "/clients?_gte_created_at=1694700000&_lte_connected_at=1694770000000&_limit=2"),
    ("GET", "/clients?username=aip_user1"),
    ("GET", "/clients?ip_address=115.236.21.86"),
    ("GET", "/clients?ip_address=0:0:0:0:0:0:0:1"),
    ("GET", "/clients?proto_ver=1.5"),
    ("GET", "/clients?_limit=0"),
    ("GET", "/clients?_page=01"),
    ("GET", "/clients?clean_start=True"),
    ("GET", "/clients?_limit=5&_limit=6"),
    ("GET", "/clients?nothing=1"),
    ("GET", "/clients?conn_state=sleeping"),
    ("GET", "/clients/client_1"),
    ("GET", "/clients/client_1?x=1"),
    ("GET", "/clients/no-such-client"),
    ("GET", "/clients/mqttx_07cb8109"),
    ("DELETE", "/clients/mqttx_07cb8109"),
    ("GET", "/clients/mqttx_07cb8109"),
    ("DELETE", "/clients/mqttx_07cb8109"),
    ("POST", "/clients"),
    ("GET", "/clients?_limit=3"),
]


class Counting:
    """An ASGI app that counts the HTTP requests that reach it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += scope["type"] == "http"
        await self.app(scope, receive, send)


def _pair(**overrides: Any) -> tuple[FastPath, Counting, FastPath]:
    """The simulator with the direct route (its pipeline counted), and another whose pipeline is used alone."""
    fast = create_app(make_config(**overrides))
    counted = Counting(fast.app)
    fast.app = counted
    return fast, counted, create_app(make_config(**overrides))


def _journal(app: FastPath) -> list[tuple[Any, ...]]:
    return [(e.method, e.path, e.query, e.operation_id, e.status, e.error) for e in app.runtime.journal.entries()]


def _answer(client: Any, method: str, path: str, **options: Any) -> tuple[int, str, str, bytes]:
    response = client.request(method, API + path, auth=AUTH, **options)
    return (
        response.status_code,
        response.headers.get("content-type", ""),
        response.headers.get("allow", ""),
        (response.content),
    )


@pytest.mark.parametrize("validate", [True, False])
def test_the_direct_route_answers_as_the_pipeline_does(validate: bool) -> None:
    fast, counted, full = _pair(validate_responses=validate)
    with TestClient(fast) as direct, TestClient(full.app) as pipeline:
        for method, path in REQUESTS:
            assert _answer(direct, method, path) == _answer(pipeline, method, path), (method, path)
    assert _journal(fast) == _journal(full)
    assert len(_journal(fast)) == len(REQUESTS)
    assert counted.calls == 9, "every request the route cannot answer exactly, and no other, reached the pipeline"


def test_the_journal_records_direct_answers_as_the_pipeline_does() -> None:
    fast, _, _ = _pair()
    with TestClient(fast) as direct:
        for method, path in REQUESTS:
            direct.request(method, API + path, auth=AUTH)
    entries = list(reversed(fast.runtime.journal.entries()))
    assert [(e.method, e.path) for e in entries] == [(m, API + p.split("?")[0]) for m, p in REQUESTS]
    by_request = {(e.method, e.path, tuple(sorted(e.query))): e for e in entries}
    listing = by_request[("GET", API + "/clients", ("_limit", "_page"))]
    assert (listing.operation_id, listing.status, listing.query) == (
        "listClients",
        200,
        {"_page": ["2"], "_limit": ["7"]},
    )
    missing = by_request[("GET", API + "/clients/no-such-client", ())]
    assert (missing.operation_id, missing.status, missing.error) == ("getClient", 404, "Client ID not found")
    kicked = [e for e in entries if e.method == "DELETE"]
    assert [(e.operation_id, e.status) for e in kicked] == [("kickClient", 204), ("kickClient", 404)]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [({"Origin": "http://localhost:5173"}, "CORS"), ({"Prefer": "code=503"}, "Prefer"), ({}, "credentials")],
)
def test_what_the_direct_route_leaves_to_the_pipeline(headers: dict[str, str], reason: str) -> None:
    fast, counted, _ = _pair()
    with TestClient(fast) as client:
        auth = None if reason == "credentials" else AUTH
        response = client.get(f"{API}/clients/client_1", auth=auth, headers=headers)
    assert counted.calls == 1
    if reason == "CORS":
        assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    elif reason == "Prefer":
        assert response.status_code == 503
    else:
        assert response.status_code == 401 and "WWW-Authenticate" in response.headers


def test_fault_rules_send_requests_through_the_pipeline() -> None:
    fast, counted, _ = _pair()
    with TestClient(fast) as client:
        rule = {"operation": "getClient", "status": 500, "times": 1}
        assert client.post(f"{API}/_sim/faults", auth=AUTH, json=rule).status_code == 201
        before = counted.calls
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 500
        assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
        assert counted.calls - before == 1


def test_a_response_that_breaks_the_contract_is_a_500_on_the_direct_route(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(client: Any, now_ms: int) -> dict[str, Any]:
        return {**client_view(client, now_ms), "port": "not a number"}

    monkeypatch.setattr("simulator.rendering.views.client_view", broken)
    fast, counted, _ = _pair()
    with TestClient(fast) as client:
        response = client.get(f"{API}/clients/client_1", auth=AUTH)
    assert counted.calls == 0
    assert response.status_code == 500 and response.json() == {"code": "INTERNAL_ERROR", "message": "Internal error"}
    quiet = create_app(replace(make_config(), validate_responses=False))
    with TestClient(quiet) as client:
        assert client.get(f"{API}/clients/client_1", auth=AUTH).json()["port"] == "not a number"
