"""The one request pipeline: its stages in order, the operation table's routing, the journal it keeps, and the
response check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.app import DIALECTS, create_app
from simulator.views import client_view
from tests.conftest import API, AUTH, make_config

JSON = {"content-type": "application/json"}
JOURNALED: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/clients?_page=2&_limit=7", {}),
    ("GET", "/clients/no-such-client", {}),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": [{"topic": "x/1"}, {"topic": "x/2", "qos": 2}]}),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": [{"topic": "x/3"}, {"topic": "x/#/4"}]}),
    ("POST", "/clients/client_1/subscribe/bulk", {"json": []}),
    ("DELETE", "/clients/mqttx_07cb8109", {}),
    ("DELETE", "/clients/mqttx_07cb8109", {}),
    ("PUT", "/clients", {}),
    ("GET", "/nowhere", {}),
]


def test_the_journal_records_each_request_to_the_emulated_api_once() -> None:
    app = create_app(make_config())
    with TestClient(app) as client:
        for method, path, options in JOURNALED:
            client.request(method, API + path, auth=AUTH, **options)
        client.get(f"{API}/_sim/status", auth=AUTH)
        client.get(f"{API}/openapi.json")
    entries = list(reversed(app.deployment.journal.entries()))
    assert [(e.method, e.path) for e in entries] == [(m, API + p.split("?")[0]) for m, p, _ in JOURNALED]
    listing = entries[0]
    assert (listing.operation_id, listing.status, listing.query) == (
        "listClients",
        200,
        {"_page": ["2"], "_limit": ["7"]},
    )
    missing = entries[1]
    assert (missing.operation_id, missing.status, missing.error) == ("getClient", 404, "Client ID not found")
    bulk = [(e.operation_id, e.status, e.error is None) for e in entries[2:5]]
    assert bulk == [("bulkSubscribe", 200, True), ("bulkSubscribe", 400, False), ("bulkSubscribe", 200, True)]
    assert [(e.operation_id, e.status) for e in entries[5:7]] == [("kickClient", 204), ("kickClient", 404)]
    assert [(e.operation_id, e.status) for e in entries[7:]] == [(None, 405), (None, 404)]
    assert all(e.latency_ms >= 0 for e in entries)


@pytest.mark.parametrize(
    ("auth", "headers", "content", "path", "expected"),
    [
        # credentials come before faults, the size limit, parameters and the body
        (None, {"Prefer": "code=503"}, b"{}", "/clients/client_1/subscribe", 401),
        (("app_id", "nope"), {"content-length": str(2 << 20)}, None, "/clients/client_1/subscribe", 401),
        # faults and Prefer come before the size limit and validation
        (AUTH, {"Prefer": "code=503"}, b"not json", "/clients/client_1/subscribe?bad=1", 503),
        # the declared size comes before parameters
        (AUTH, {"content-length": str(2 << 20)}, None, "/clients/client_1/subscribe?bad=1", 413),
        # parameters come before the media type, the media type before the body
        (AUTH, {"content-type": "text/plain"}, b"{", "/clients/client_1/subscribe?bad=1", 400),
        (AUTH, {"content-type": "text/plain"}, b"{", "/clients/client_1/subscribe", 415),
    ],
)
def test_the_stages_run_in_order(
    auth: Any, headers: dict[str, str], content: bytes | None, path: str, expected: int
) -> None:
    app = create_app(make_config())
    with TestClient(app) as client:
        if content is None:
            request = client.build_request("POST", API + path, headers=headers)
            response = client.send(request, auth=auth)
        else:
            response = client.post(API + path, content=content, headers={**JSON, **headers}, auth=auth)
        assert response.status_code == expected, response.text
        assert set(response.json()) == {"code", "message"}
        assert client.get(f"{API}/clients/client_1", auth=AUTH).json()["subscriptions_cnt"] == 0


def test_a_refused_request_changes_nothing() -> None:
    with TestClient(create_app(make_config())) as client:
        forced = client.post(f"{API}/clients/client_1/subscribe", json={"topic": "t/a"}, auth=AUTH,
                             headers={"Prefer": "code=500"})  # fmt: skip
        assert forced.status_code == 500
        rule = {"operation": "kickClient", "status": 503, "times": 1}
        assert client.post(f"{API}/_sim/faults", json=rule, auth=AUTH).status_code == 201
        assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 503
        shown = client.get(f"{API}/clients/client_1", auth=AUTH).json()
        assert shown["subscriptions_cnt"] == 0
        assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 204


def test_405_lists_every_method_of_the_path() -> None:
    with TestClient(create_app(make_config())) as client:
        response = client.put(f"{API}/clients/client_1", auth=AUTH)
        assert (response.status_code, response.headers["allow"]) == (405, "GET, DELETE")
        assert response.json() == {"code": "METHOD_NOT_ALLOWED", "message": "Method not allowed"}
        control = client.patch(f"{API}/_sim/clock", auth=AUTH)
        assert (control.status_code, control.headers["allow"]) == (405, "GET, PUT")


def test_every_operation_of_both_contracts_is_in_the_table_once() -> None:
    app = create_app(make_config())
    operations = [(op.api.name, op.operation_id) for op in app.table.operations()]
    assert len(operations) == len(set(operations))
    assert {name for api, name in operations if api == "clients"} == {
        "listClients", "getClient", "kickClient", "subscribe", "unsubscribe", "bulkSubscribe", "bulkUnsubscribe",
        "bulkKick", "listSubscriptions",
    }  # fmt: skip
    assert ("control", "addFault") in operations


@pytest.mark.parametrize("object_view", [True, False])
def test_a_response_that_breaks_the_contract_is_a_500(monkeypatch: pytest.MonkeyPatch, object_view: bool) -> None:
    if object_view:
        monkeypatch.setattr("simulator.api.clients.views.subscription_view", lambda s: {"topic": 5})
    else:
        broken = lambda client, now_ms: {**client_view(client, now_ms), "port": "not a number"}  # noqa: E731
        monkeypatch.setitem(DIALECTS, "cloud", replace(DIALECTS["cloud"], view=broken))

    def ask(client: Any) -> Any:
        if object_view:
            return client.post(f"{API}/clients/client_1/subscribe", json={"topic": "t"}, auth=AUTH)
        return client.get(f"{API}/clients/client_1", auth=AUTH)

    with TestClient(create_app(make_config())) as client:
        response = ask(client)
    assert response.status_code == 500 and response.json() == {"code": "INTERNAL_ERROR", "message": "Internal error"}
    with TestClient(create_app(replace(make_config(), validate_responses=False))) as client:
        assert ask(client).status_code == 200


def test_a_static_directory_is_served_beside_the_apis(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>dashboard</html>", encoding="utf-8")
    (tmp_path / "version").write_text("v1.10.5", encoding="utf-8")
    with TestClient(create_app(make_config(dialect="emqx5", static_dir=tmp_path))) as client:
        assert client.get("/").text == "<html>dashboard</html>"
        assert client.get("/version").text == "v1.10.5"
        assert client.get(f"{API}/clients?limit=1", auth=AUTH).json()["meta"]["limit"] == 1
        missing = client.get(f"{API}/no-such-path", auth=AUTH)
        assert missing.status_code == 404 and missing.json() == {"code": "NOT_FOUND", "message": "Not found"}
        assert client.get("/no-such-file").status_code == 404


def test_an_echo_of_huge_numbers_and_lone_surrogates_is_rendered() -> None:
    with TestClient(create_app(make_config(dialect="emqx5"))) as client:
        body = b'{"topic": "t/\\ud800", "rap": 5451995062552197573852644973215744}'
        response = client.post(f"{API}/clients/client_1/subscribe", content=body, headers=JSON, auth=AUTH)
    assert response.status_code == 200
    assert response.json()["rap"] == 5451995062552197573852644973215744
    assert response.json()["topic"] == "t/\ud800"
