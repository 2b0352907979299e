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

JSON = {"content-type": "application/json"}
DIRECT, PIPELINE = True, False
REQUESTS: list[tuple[str, str, dict[str, Any], bool]] = [
    ("GET", "/clients", {}, DIRECT),
    ("GET", "/clients?_page=2&_limit=7", {}, DIRECT),
    ("GET", "/clients?conn_state=disconnected&proto_ver=5&_limit=3", {}, DIRECT),
    ("GET", "/clients?clean_start=false&zone=default&_page=3&_limit=5", {}, DIRECT),
    ("GET", "/clients?_like_clientid=de&_like_username=a&_limit=4", {}, DIRECT),
    ("GET", "/clients?_gte_created_at=1694700000&_lte_connected_at=1694770000000&_limit=2", {}, DIRECT),
    ("GET", "/clients?username=aip_user1", {}, DIRECT),
    ("GET", "/clients?ip_address=115.236.21.86", {}, DIRECT),
    ("GET", "/clients?ip_address=0:0:0:0:0:0:0:1", {}, DIRECT),
    ("GET", "/clients?proto_ver=1.5", {}, PIPELINE),
    ("GET", "/clients?_limit=0", {}, PIPELINE),
    ("GET", "/clients?_page=01", {}, PIPELINE),
    ("GET", "/clients?clean_start=True", {}, PIPELINE),
    ("GET", "/clients?_limit=5&_limit=6", {}, PIPELINE),
    ("GET", "/clients?nothing=1", {}, PIPELINE),
    ("GET", "/clients?conn_state=sleeping", {}, PIPELINE),
    ("GET", "/clients/client_1", {}, DIRECT),
    ("GET", "/clients/client_1?x=1", {}, PIPELINE),
    ("GET", "/clients/no-such-client", {}, DIRECT),
    ("POST", "/clients/client_1/subscribe", {"json": {"topic": "t/a", "qos": 1, "rh": 2}}, DIRECT),
    ("POST", "/clients/client_1/subscribe", {"json": {"topic": "$share/g/t/#", "nl": 1}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"json": {"topic": "a/#/b"}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"json": {"topic": "t/b", "color": "red"}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"json": {}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"content": b"null", "headers": JSON}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"content": b"{bad", "headers": JSON}, PIPELINE),
    (
        "POST",
        "/clients/client_1/subscribe",
        {"content": b'{"topic": "t/c"}', "headers": {"content-type": "text/plain"}},
        PIPELINE,
    ),
    ("POST", "/clients/client_1/subscribe", {"content": b'{"topic": "t/\xff"}', "headers": JSON}, PIPELINE),
    ("POST", "/clients/client_1/subscribe?qos=1", {"json": {"topic": "t/d"}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe", {"json": {"topic": "t/e"}, "headers": {"Prefer": "delay=1"}}, PIPELINE),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": [{"topic": "x/1"}, {"topic": "x/2", "qos": 2}]}, DIRECT),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": [{"topic": "x/3"}, {"topic": "x/#/4"}]}, PIPELINE),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": []}, PIPELINE),
    ("GET", "/clients/client_1", {}, DIRECT),
    ("POST", "/clients/client_1/unsubscribe", {"json": {"topic": "t/a"}}, DIRECT),
    ("POST", "/clients/client_1/unsubscribe/bulk", {"json": [{"topic": "x/1"}, {"topic": "x/9"}]}, DIRECT),
    ("POST", "/clients/no-such-client/subscribe", {"json": {"topic": "t/a"}}, DIRECT),
    ("POST", "/clients/no-such-client/unsubscribe/bulk", {"json": [{"topic": "t/a"}]}, DIRECT),
    ("GET", "/clients/client_1", {}, DIRECT),
    ("GET", "/clients/mqttx_07cb8109", {}, DIRECT),
    ("DELETE", "/clients/mqttx_07cb8109", {}, DIRECT),
    ("GET", "/clients/mqttx_07cb8109", {}, DIRECT),
    ("DELETE", "/clients/mqttx_07cb8109", {}, DIRECT),
    ("POST", "/clients", {}, PIPELINE),
    ("GET", "/clients?_limit=3", {}, DIRECT),
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
        for method, path, options, route in REQUESTS:
            before = counted.calls
            answered = _answer(direct, method, path, **options)
            assert answered == _answer(pipeline, method, path, **options), (method, path, options)
            assert (counted.calls == before) == route, (method, path, options, "direct" if route else "pipeline")
    assert _journal(fast) == _journal(full)
    assert len(_journal(fast)) == len(REQUESTS)


def test_the_journal_records_direct_answers_as_the_pipeline_does() -> None:
    fast, _, _ = _pair()
    with TestClient(fast) as direct:
        for method, path, options, _ in REQUESTS:
            direct.request(method, API + path, auth=AUTH, **options)
    entries = list(reversed(fast.runtime.journal.entries()))
    assert [(e.method, e.path) for e in entries] == [(m, API + p.split("?")[0]) for m, p, _, _ in REQUESTS]
    by_request = {(e.method, e.path, tuple(sorted(e.query))): e for e in entries}
    listing = by_request[("GET", API + "/clients", ("_limit", "_page"))]
    assert (listing.operation_id, listing.status, listing.query) == (
        "listClients",
        200,
        {"_page": ["2"], "_limit": ["7"]},
    )
    missing = by_request[("GET", API + "/clients/no-such-client", ())]
    assert (missing.operation_id, missing.status, missing.error) == ("getClient", 404, "Client ID not found")
    bulk = [e for e in entries if e.path.endswith("/subscribe/bulk")]
    assert [(e.operation_id, e.status, e.error is None) for e in bulk] == [("bulkSubscribe", 200, True)] + [
        ("bulkSubscribe", 400, False)
    ] * 2
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
