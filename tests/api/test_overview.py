"""The control API's overview and client states, the control panel's files, and the panel's requests kept out
of the journal and of fault rules."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import simulator.panel
from simulator.spec import CONTROL_SPEC
from tests.conftest import API, AUTH, FROZEN_AT

SIM = f"{API}/_sim"
PANEL = {"X-Emqx-Sim-Panel": "1"}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _count(client: Any, query: str = "") -> int:
    return int(_ok(client.get(f"{API}/clients?_limit=1&{query}", auth=AUTH))["meta"]["count"])


@pytest.fixture
def control(make_client: Callable[..., Any]) -> Any:
    return make_client(clients=250)


def test_the_overview_counts_what_the_list_counts(control: Any) -> None:
    control.delete(f"{API}/clients/client_1", auth=AUTH)
    _ok(control.put(f"{SIM}/clients/mqttx_07cb8109/state", json={"conn_state": "idle"}, auth=AUTH))
    view = _ok(control.get(f"{SIM}/overview", auth=AUTH))
    assert view["clients"] == _count(control) == 249
    assert (view["scenario"], view["seed"], view["dialect"], view["clock"]["frozen"]) == ("default", 7, "cloud", True)
    for state, shown in view["by_state"].items():
        assert shown == _count(control, f"conn_state={state}"), state
    for item in view["by_protocol"]:
        assert item["count"] == _count(control, f"proto_name={item['proto_name']}&proto_ver={item['proto_ver']}")
    listed = _ok(control.get(f"{API}/clients?_limit=1000", auth=AUTH))["data"]
    by_node = Counter(client["node"] for client in listed)
    assert {
        node["node"]: node["connected"] + node["idle"] + node["disconnected"] for node in view["by_node"]
    } == by_node
    assert sum(node["idle"] for node in view["by_node"]) == view["by_state"]["idle"]
    subscriptions = view["subscriptions"]
    assert (subscriptions["exact"], subscriptions["read"]) == (True, 249)
    assert subscriptions["total"] == sum(client["subscriptions_cnt"] for client in listed)
    assert len(subscriptions["top"]) == 10
    counts = [item["count"] for item in subscriptions["top"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1


def test_a_subscription_shows_in_the_overview(control: Any) -> None:
    before = _ok(control.get(f"{SIM}/overview", auth=AUTH))["subscriptions"]
    for clientid in ("client_1", "mqttx_07cb8109"):
        _ok(control.post(f"{API}/clients/{clientid}/subscribe", json={"topic": "panel/test"}, auth=AUTH))
    after = _ok(control.get(f"{SIM}/overview", auth=AUTH))["subscriptions"]
    assert after["total"] == before["total"] + 2


def test_a_large_population_is_sampled_for_subscriptions(make_client: Callable[..., Any]) -> None:
    control = make_client(clients=1500)
    view = _ok(control.get(f"{SIM}/overview", auth=AUTH))
    assert view["clients"] == 1500 == sum(view["by_state"].values())
    subscriptions = view["subscriptions"]
    assert (subscriptions["exact"], subscriptions["read"]) == (False, 1000)
    listed = _ok(control.get(f"{API}/clients?_limit=2000", auth=AUTH))["data"]
    held = sum(client["subscriptions_cnt"] for client in listed)
    assert abs(subscriptions["total"] - held) < held * 0.15


def test_the_series_follows_the_clock(control: Any) -> None:
    first = _ok(control.get(f"{SIM}/overview", auth=AUTH))["series"]
    assert [sample["time_ms"] for sample in first] == [FROZEN_AT]
    assert _ok(control.get(f"{SIM}/overview", auth=AUTH))["series"] == first  # one sample per instant
    _ok(control.post(f"{SIM}/clock/advance", json={"seconds": 7200}, auth=AUTH))
    series = _ok(control.get(f"{SIM}/overview", auth=AUTH))["series"]
    assert [sample["time_ms"] for sample in series] == [FROZEN_AT, FROZEN_AT + 7_200_000]
    assert series[1]["time"] == "2023-09-15T11:36:20.000+00:00"
    assert series[1]["disconnected"] < series[0]["disconnected"]  # sessions of 300 s and 3600 s expired
    assert series[1]["total"] == series[1]["connected"] + series[1]["idle"] + series[1]["disconnected"]
    _ok(control.put(f"{SIM}/clock", json={"now": "2023-09-15T10:00:00Z"}, auth=AUTH))
    series = _ok(control.get(f"{SIM}/overview", auth=AUTH))["series"]
    assert [sample["time"][11:19] for sample in series] == ["09:36:20", "10:00:00"]  # the later sample is dropped


def test_a_client_is_disconnected_connected_and_idled(control: Any) -> None:
    control.post(f"{SIM}/clock/advance", json={"seconds": 10}, auth=AUTH)
    client = _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    assert client["connected"] and client["expiry_interval"] == 0
    state = _ok(control.put(f"{SIM}/clients/client_1/state", json={"conn_state": "disconnected"}, auth=AUTH))
    assert state == {
        "clientid": "client_1",
        "conn_state": "disconnected",
        "connected_at": client["connected_at"],
        "disconnected_at": "2023-09-15T09:36:30.000+00:00",
        "expiry_interval": 7200,
    }
    shown = _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    assert (shown["connected"], shown["disconnected_at"], shown["clean_start"]) == (
        False,
        state["disconnected_at"],
        False,
    )
    assert "client_1" in [
        c["clientid"] for c in _ok(control.get(f"{API}/clients?conn_state=disconnected&_limit=1000", auth=AUTH))["data"]
    ]
    _ok(control.put(f"{SIM}/clients/client_1/state", json={"conn_state": "connected"}, auth=AUTH))
    shown = _ok(control.get(f"{API}/clients/client_1", auth=AUTH))
    assert shown["connected"] and shown["connected_at"] == "2023-09-15T09:36:30.000+00:00"
    assert "disconnected_at" not in shown or shown["disconnected_at"] is None
    _ok(control.post(f"{API}/clients/client_1/subscribe", json={"topic": "t/idle"}, auth=AUTH))
    idle = _ok(control.put(f"{SIM}/clients/client_1/state", json={"conn_state": "idle"}, auth=AUTH))
    assert idle["conn_state"] == "idle"
    assert _ok(control.get(f"{API}/clients/client_1", auth=AUTH))["subscriptions_cnt"] == 0
    _ok(control.put(f"{SIM}/clients/client_1/state", json={"conn_state": "disconnected"}, auth=AUTH))
    _ok(control.post(f"{SIM}/clock/advance", json={"seconds": 7199}, auth=AUTH))
    assert control.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
    _ok(control.post(f"{SIM}/clock/advance", json={"seconds": 2}, auth=AUTH))
    assert control.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404  # its session expired


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("nobody", {"conn_state": "idle"}, 404, "CLIENTID_NOT_FOUND"),
        ("client_1", {"conn_state": "gone"}, 400, "BAD_REQUEST"),
        ("client_1", {}, 400, "BAD_REQUEST"),
        ("client_1", {"conn_state": "idle", "extra": 1}, 400, "BAD_REQUEST"),
    ],
)
def test_a_bad_state_change_is_refused_with_nothing_changed(
    control: Any, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    before = control.get(f"{API}/clients/client_1", auth=AUTH).content
    answer = control.put(f"{SIM}/clients/{path}/state", json=body, auth=AUTH)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert control.get(f"{API}/clients/client_1", auth=AUTH).content == before
    assert control.put(f"{SIM}/clients/client_1/state", json={"conn_state": "idle"}).status_code == 401
    assert control.get(f"{SIM}/overview").status_code == 401


def test_the_panels_requests_skip_the_journal_and_fault_rules(control: Any) -> None:
    _ok(control.post(f"{SIM}/faults", json={"operation": "getClient", "status": 503, "times": 1}, auth=AUTH), 201)
    assert control.get(f"{API}/clients/client_1", auth=AUTH, headers=PANEL).status_code == 200
    assert control.delete(f"{API}/clients/nobody", auth=AUTH, headers=PANEL).status_code == 404
    assert _ok(control.get(f"{SIM}/journal", auth=AUTH))["data"] == []
    assert _ok(control.get(f"{SIM}/faults", auth=AUTH))["data"][0]["hits"] == 0
    assert control.get(f"{API}/clients/client_1", auth=AUTH).status_code == 503  # the app's request
    journal = _ok(control.get(f"{SIM}/journal", auth=AUTH))["data"]
    assert [(entry["operationId"], entry["status"]) for entry in journal] == [("getClient", 503)]


def test_the_panel_is_served_from_the_package(control: Any) -> None:
    moved = control.get(f"{SIM}/panel", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (308, f"{SIM}/panel/")
    page = control.get(f"{SIM}/panel/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert all(f'"{name}"' in page.text for name in ("panel.js", "panel.css", "favicon.svg"))
    for name in ("panel.js", "api.js", "charts.js", "ui.js", "overview.js", "faults.js", "journal.js", "clients.js",
                 "panel.css", "favicon.svg"):  # fmt: skip
        asset = control.get(f"{SIM}/panel/{name}")
        assert asset.status_code == 200 and asset.content, name
    assert control.get(f"{SIM}/panel/panel.js").headers["content-type"].startswith("text/javascript")
    assert "http" not in control.get(f"{SIM}/panel/index.html").text  # nothing from elsewhere
    head = control.head(f"{SIM}/panel/panel.js")
    assert head.status_code == 200 and int(head.headers["content-length"]) > 1000 and not head.content
    missing = control.get(f"{SIM}/panel/nothing.js")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    refused = control.post(f"{SIM}/panel/", json={})
    assert (refused.status_code, refused.json()["code"], refused.headers["allow"]) == (
        405,
        "METHOD_NOT_ALLOWED",
        "GET, HEAD",
    )
    preflight = control.options(
        f"{API}/clients/client_1",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization, x-emqx-sim-panel",
        },
    )
    assert preflight.status_code == 200
    assert "x-emqx-sim-panel" in preflight.headers["access-control-allow-headers"].lower()


def test_the_panel_offers_every_operation_a_fault_rule_takes() -> None:
    script = (Path(simulator.panel.__file__).parent / "static" / "faults.js").read_text(encoding="utf-8")
    listed = re.search(r"OPERATIONS = \[(.*?)\];", script, re.DOTALL)
    assert listed is not None
    document = yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8"))
    taken = document["components"]["schemas"]["FaultOperation"]["enum"]
    assert re.findall(r'"([^"]+)"', listed.group(1)) == taken


def test_the_overview_names_the_emqx5_dialect(make_client: Callable[..., Any]) -> None:
    control = make_client(clients=80, dialect="emqx5")
    view = _ok(control.get(f"{SIM}/overview", auth=AUTH))
    assert (view["dialect"], view["clients"], sum(view["by_state"].values())) == ("emqx5", 80, 80)
