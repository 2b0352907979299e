"""The EMQX 5 dialect's session views: the authorization cache, generated messages, bulk subscribe's partial
answer, and the client object's EMQX 5 fields."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator.app import create_app
from tests.conftest import API, AUTH, make_config


@pytest.fixture
def client() -> Any:
    return create_app(make_config(dialect="emqx5")).test_client()


def test_the_authorization_cache_follows_subscriptions_and_empties_on_delete(client: Any) -> None:
    path = f"{API}/clients/client_1/authorization/cache"
    assert client.get(path, auth=AUTH).json() == []
    assert (
        client.post(f"{API}/clients/client_1/subscribe", json={"topic": "t/a", "qos": 1}, auth=AUTH).status_code == 200
    )
    [entry] = client.get(path, auth=AUTH).json()
    assert entry["access"] == {"action_type": "subscribe", "qos": 1}
    assert (entry["topic"], entry["result"]) == ("t/a", "allow")
    assert client.delete(path, auth=AUTH).status_code == 204
    assert client.get(path, auth=AUTH).json() == []
    assert client.delete(f"{API}/clients/no-such-client/authorization/cache", auth=AUTH).status_code == 404


def test_queued_messages_are_as_many_as_mqueue_len_and_the_same_every_time(client: Any) -> None:
    listed = client.get(f"{API}/clients?limit=300&conn_state=disconnected", auth=AUTH).json()["data"]
    queued = next(c for c in listed if c["mqueue_len"] > 3)
    path = f"{API}/clients/{queued['clientid']}/mqueue_messages"
    first = client.get(path, params={"limit": 10000}, auth=AUTH).json()
    assert len(first["data"]) == queued["mqueue_len"]
    assert client.get(path, params={"limit": 10000}, auth=AUTH).json() == first
    page = client.get(path, params={"limit": 2}, auth=AUTH).json()
    rest = client.get(path, params={"limit": 10000, "position": page["meta"]["position"]}, auth=AUTH).json()
    assert [m["msgid"] for m in page["data"] + rest["data"]] == [m["msgid"] for m in first["data"]]
    assert first["meta"]["start"] == page["meta"]["start"] == rest["meta"]["start"]


def test_a_bulk_subscribe_with_a_refused_item_answers_both_lists(client: Any) -> None:
    items = [{"topic": "t/1"}, {"topic": "$share/g/t", "nl": 1}, {"topic": "$share/g"}, {"topic": "t/2", "qos": 2}]
    answer = client.post(f"{API}/clients/client_1/subscribe/bulk", json=items, auth=AUTH).json()
    assert [echo["topic"] for echo in answer["succeed"]] == ["t/1", "t/2"]
    assert [(f["data"][1], f["reason"]) for f in answer["failed"]] == [
        ("$share/g", '{invalid_topic_filter,<<"$share/g">>}'),
        ("$share/g/t", "invalid_subopts_nl"),
    ]
    topics = {s["topic"] for s in client.get(f"{API}/clients/client_1/subscriptions", auth=AUTH).json()}
    assert topics == {"t/1", "t/2"}
    assert client.post(f"{API}/clients/client_1/subscribe/bulk", json=[], auth=AUTH).json() == []


def test_an_emqx5_client_has_the_emqx5_fields(client: Any) -> None:
    shown = client.get(f"{API}/clients/client_1", auth=AUTH).json()
    assert "zone" not in shown and "tenant_id_from" not in shown
    assert (shown["mountpoint"], shown["durable"], shown["is_expired"], shown["client_attrs"]) == (
        None,
        False,
        False,
        {},
    )


def test_a_missing_clients_subscriptions_are_404_after_its_own_404(client: Any) -> None:
    """The dashboard's order: the client's 404 (which it handles) before its subscriptions' 404 (a toast)."""
    started = time.perf_counter()
    answer = client.get(f"{API}/clients/no-such-client/subscriptions", auth=AUTH)
    assert time.perf_counter() - started >= 0.1
    assert (answer.status_code, answer.json()["code"]) == (404, "CLIENTID_NOT_FOUND")
    assert client.get(f"{API}/clients/no-such-client", auth=AUTH).status_code == 404


@pytest.mark.parametrize(
    "instant", ["0000-01-01T00:00:00Z", "2023-02-31T00:00:00z", "9999-12-31 23:59:59.999999999-23:59", "0"]
)
def test_every_instant_the_contract_admits_is_answered(client: Any, instant: str) -> None:
    answer = client.get(f"{API}/clients", params={"gte_connected_at": instant, "limit": 1}, auth=AUTH)
    assert answer.status_code == 200, answer.text
