"""The Cloud contract beside the real EMQX 5 server: one test per row of `openapi/README.md` that the simulator
follows, named after the row."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator.app import create_app
from tests.conftest import API, AUTH, make_config


@pytest.fixture
def client() -> Any:
    return create_app(make_config()).test_client()


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["clientid"] for item in response.json()["data"]]


def test_row_24_repeated_clientid_and_username_are_ored(client: Any) -> None:
    both = _ids(client.get(f"{API}/clients?clientid=client_1&clientid=mqttx_07cb8109&clientid=nobody", auth=AUTH))
    assert sorted(both) == ["client_1", "mqttx_07cb8109"]
    users = _ids(client.get(f"{API}/clients?username=aip_user1&username=aip_user2", auth=AUTH))
    assert sorted(users) == ["client_1", "mqttx_07cb8109"]
    crossed = _ids(client.get(f"{API}/clients?clientid=client_1&username=aip_user2", auth=AUTH))
    assert crossed == []
    again = client.get(f"{API}/clients?_limit=5&_limit=6", auth=AUTH)
    assert (again.status_code, again.json()["code"]) == (400, "BAD_REQUEST")


def test_row_25_subscriptions_are_listed_and_clients_kicked_in_bulk(client: Any) -> None:
    assert client.get(f"{API}/clients/client_1/subscriptions", auth=AUTH).json() == []
    client.post(f"{API}/clients/client_1/subscribe", json={"topic": "t/a", "qos": 1, "rh": 2}, auth=AUTH)
    [held] = client.get(f"{API}/clients/client_1/subscriptions", auth=AUTH).json()
    assert held == {"clientid": "client_1", "topic": "t/a", "qos": 1, "nl": 0, "rap": 0, "rh": 2,
                    "node": "emqx@10.0.0.1", "durable": False}  # fmt: skip
    assert client.get(f"{API}/clients/nobody/subscriptions", auth=AUTH).status_code == 404
    kicked = client.post(f"{API}/clients/kickout/bulk", json=["client_1", "mqttx_07cb8109", "nobody"], auth=AUTH)
    assert kicked.status_code == 204
    assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404
    assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).status_code == 404
    assert client.post(f"{API}/clients/kickout/bulk", json=[], auth=AUTH).status_code == 204


def test_row_26_clients_carry_the_emqx_5_8_fields(client: Any) -> None:
    shown = client.get(f"{API}/clients/client_1", auth=AUTH).json()
    assert (shown["mountpoint"], shown["durable"], shown["is_expired"], shown["client_attrs"]) == (
        None,
        False,
        False,
        {},
    )
    for listed in client.get(f"{API}/clients?_limit=50", auth=AUTH).json()["data"]:
        assert {"mountpoint", "durable", "is_expired", "client_attrs"} <= set(listed)


def test_row_27_bulk_lists_of_any_length_and_items_without_topic(client: Any) -> None:
    empty = client.post(f"{API}/clients/client_1/subscribe/bulk", json=[], auth=AUTH)
    assert (empty.status_code, empty.json()) == (200, [])
    many = [{"topic": f"t/{n}"} for n in range(150)]
    assert len(client.post(f"{API}/clients/client_1/subscribe/bulk", json=many, auth=AUTH).json()) == 150
    held = client.get(f"{API}/clients/client_1", auth=AUTH).json()["subscriptions_cnt"]
    assert held == client.get(f"{API}/clients/client_1", auth=AUTH).json()["subscriptions_max"]
    items = [{"topic": "t/0"}, {}, {"topic": "t/1"}]
    assert client.post(f"{API}/clients/client_1/unsubscribe/bulk", json=items, auth=AUTH).status_code == 204
    assert client.get(f"{API}/clients/client_1", auth=AUTH).json()["subscriptions_cnt"] == held - 2
    assert client.post(f"{API}/clients/client_1/unsubscribe/bulk", json=[], auth=AUTH).status_code == 204


@pytest.mark.parametrize("address", ["127.1", "1.2.3", "10.0.0.256"])
def test_row_29_ip_addresses_are_dotted_quads(client: Any, address: str) -> None:
    answer = client.get(f"{API}/clients", params={"ip_address": address}, auth=AUTH)
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_PARAMETER")
    assert answer.json()["message"] == f"the ip_address parameter expected type is ip, but the value is {address}"


def test_row_30_unsubscribe_without_topic_is_400_not_500(client: Any) -> None:
    answer = client.post(f"{API}/clients/client_1/unsubscribe", json={}, auth=AUTH)
    assert (answer.status_code, answer.json()["code"]) == (400, "BAD_REQUEST")


def test_row_31_path_and_method_errors_have_emqx_bodies(client: Any) -> None:
    missing = client.get(f"{API}/no-such-path", auth=AUTH, headers={"Accept": "text/html"})
    assert (missing.status_code, missing.json()) == (404, {"code": "NOT_FOUND", "message": "Not found"})
    wrong = client.put(f"{API}/clients", auth=AUTH)
    assert (wrong.status_code, wrong.headers["allow"], wrong.json()["code"]) == (405, "GET", "METHOD_NOT_ALLOWED")


def test_row_32_idle_and_gateway_clients_are_listed(client: Any) -> None:
    idle = client.get(f"{API}/clients?conn_state=idle&_limit=1", auth=AUTH).json()["meta"]["count"]
    coap = client.get(f"{API}/clients?proto_name=CoAP&_limit=1", auth=AUTH).json()["meta"]["count"]
    assert idle > 0 and coap > 0


def _listed(client: Any, clientid: str) -> bool:
    return bool(_ids(client.get(f"{API}/clients", params={"clientid": clientid}, auth=AUTH)))


def test_row_33_with_propagation_a_kick_is_seen_later_on_a_frozen_clock() -> None:
    client = create_app(make_config(propagation_ms=(200, 200))).test_client()
    assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 204
    assert _listed(client, "client_1")
    assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 200
    subscribed = client.post(f"{API}/clients/mqttx_07cb8109/subscribe", json={"topic": "t/a"}, auth=AUTH)
    assert subscribed.status_code == 200
    assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).json()["subscriptions_cnt"] == 0
    client.post(f"{API}/_sim/clock/advance", json={"seconds": 0.199}, auth=AUTH)
    assert _listed(client, "client_1")
    client.post(f"{API}/_sim/clock/advance", json={"seconds": 0.001}, auth=AUTH)
    assert not _listed(client, "client_1")
    assert client.get(f"{API}/clients/client_1", auth=AUTH).status_code == 404
    assert client.get(f"{API}/clients/mqttx_07cb8109", auth=AUTH).json()["subscriptions_cnt"] == 1
    kick = client.get(f"{API}/_sim/journal?operationId=kickClient", auth=AUTH).json()["data"][0]
    assert (kick["time"], kick["seen_at"]) == ("2023-09-15T09:36:20.000+00:00", "2023-09-15T09:36:20.200+00:00")


def test_row_33_with_propagation_a_kick_is_seen_later_on_a_running_clock() -> None:
    client = create_app(make_config(frozen_at_ms=None, propagation_ms=(200, 200))).test_client()
    assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 204
    assert _listed(client, "client_1")
    time.sleep(0.25)
    assert not _listed(client, "client_1")


def test_row_33_the_delay_is_set_through_the_control_api_and_off_by_default(client: Any) -> None:
    assert client.get(f"{API}/_sim/propagation", auth=AUTH).json() == {"min_ms": 0, "max_ms": 0}
    assert client.delete(f"{API}/clients/client_1", auth=AUTH).status_code == 204
    assert not _listed(client, "client_1")
    answer = client.put(f"{API}/_sim/propagation", json={"min_ms": 100, "max_ms": 300}, auth=AUTH)
    assert answer.json() == {"min_ms": 100, "max_ms": 300}
    bad = client.put(f"{API}/_sim/propagation", json={"min_ms": 300, "max_ms": 100}, auth=AUTH)
    assert bad.status_code == 400
    assert client.delete(f"{API}/clients/mqttx_07cb8109", auth=AUTH).status_code == 204
    assert _listed(client, "mqttx_07cb8109")
    seen = client.get(f"{API}/_sim/journal?operationId=kickClient&limit=1", auth=AUTH).json()["data"][0]["seen_at"]
    assert "2023-09-15T09:36:20.100+00:00" <= seen <= "2023-09-15T09:36:20.300+00:00"


def test_row_33_a_scenario_sets_the_delay_and_the_flag_wins(tmp_path: Any) -> None:
    scenario = tmp_path / "slow.yaml"
    scenario.write_text('description: Slow to propagate.\npropagation_ms: "150-150"\n', encoding="utf-8")
    from_scenario = create_app(make_config(scenario=str(scenario))).test_client()
    assert from_scenario.get(f"{API}/_sim/propagation", auth=AUTH).json() == {"min_ms": 150, "max_ms": 150}
    flagged = create_app(make_config(scenario=str(scenario), propagation_ms=(0, 0))).test_client()
    assert flagged.get(f"{API}/_sim/propagation", auth=AUTH).json() == {"min_ms": 0, "max_ms": 0}
