"""A Python client generated from clients.yaml by openapi-python-client type-checks and drives every operation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from simulator import spec
from simulator.app import create_app
from tests.conftest import AUTH, make_config
from tests.generators.python_client import generate, load, type_check
from tests.servers import serving

pytestmark = pytest.mark.slow

USAGE = """
from cloud_client import Client
from cloud_client.api.subscriptions import subscribe
from cloud_client.models import Error, ErrorCode, SubscribeRequest, Subscription

request = SubscribeRequest(topic="t/a", qos=2, nl=1, rap=1, rh=2)
answer: Subscription | Error | None = subscribe.sync("client_1", client=Client("http://x"), body=request)
code: ErrorCode | None = answer.code if isinstance(answer, Error) else None
"""
"""What a user writes: every subscription option set by name, and the error's code as a typed enum."""


OPERATIONS = {
    op["operationId"] for item in spec.load()["paths"].values() for op in item.values() if "operationId" in op
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(spec.CLIENTS_SPEC, tmp_path_factory.mktemp("generated"), "cloud_client")


@pytest.fixture(scope="module")
def cloud(generated: Path) -> ModuleType:
    return load(generated)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(create_app(make_config(clients=50))) as url:
        yield url


@pytest.fixture
def api(cloud: ModuleType, base_url: str) -> Iterator[Any]:
    httpx.post(f"{base_url}/_sim/reset", auth=AUTH).raise_for_status()
    with cloud.Client(base_url, httpx_args={"auth": AUTH}, raise_on_unexpected_status=True) as client:
        yield client


def test_the_generated_client_and_its_use_type_check(generated: Path) -> None:
    type_check(generated, USAGE)


def test_subscribe_with_every_option_and_read_back_the_count(cloud: ModuleType, api: Any) -> None:
    from cloud_client.api.clients import get_client
    from cloud_client.api.subscriptions import list_subscriptions, subscribe
    from cloud_client.models import SubscribeRequest

    before = get_client.sync("client_1", client=api).subscriptions_cnt
    echo = subscribe.sync("client_1", client=api, body=SubscribeRequest(topic="t/gen", qos=2, nl=1, rap=1, rh=2))
    assert isinstance(echo, cloud.models.Subscription)
    assert (echo.topic, echo.qos, echo.nl, echo.rap, echo.rh) == ("t/gen", 2, 1, 1, 2)
    assert get_client.sync("client_1", client=api).subscriptions_cnt == before + 1
    held = {item.topic: item for item in list_subscriptions.sync("client_1", client=api)}
    assert (held["t/gen"].qos, held["t/gen"].durable) == (2, False)


def test_an_error_parses_into_the_typed_error(cloud: ModuleType, api: Any, base_url: str) -> None:
    from cloud_client.api.clients import get_client, list_clients
    from cloud_client.api.subscriptions import bulk_subscribe
    from cloud_client.models import Error, ErrorCode, SubscribeRequest

    missing = get_client.sync_detailed("no-such-client", client=api)
    assert missing.status_code == 404 and isinstance(missing.parsed, Error)
    assert missing.parsed.code is ErrorCode.CLIENTID_NOT_FOUND
    bad_ip = list_clients.sync(client=api, ip_address="127.1")
    assert isinstance(bad_ip, Error) and bad_ip.code is ErrorCode.INVALID_PARAMETER
    with cloud.Client(base_url, httpx_args={"auth": ("app_id", "wrong")}) as stranger:
        refused = list_clients.sync(client=stranger)
    assert isinstance(refused, Error) and refused.code is ErrorCode.BAD_API_KEY_OR_SECRET
    # No Local on a shared subscription: the rule the contract states in words, answered as a typed error.
    before = get_client.sync("client_1", client=api).subscriptions_cnt
    items = [SubscribeRequest(topic="t/ok", qos=1), SubscribeRequest(topic="$share/g/t", nl=1)]
    shared = bulk_subscribe.sync("client_1", client=api, body=items)
    assert isinstance(shared, Error) and shared.code is ErrorCode.INVALID_PARAMETER and "no_local" in shared.message
    assert get_client.sync("client_1", client=api).subscriptions_cnt == before


def test_every_operation_answers_through_the_client(cloud: ModuleType, api: Any, base_url: str) -> None:
    from cloud_client.api.clients import bulk_kick, get_client, kick_client, list_clients
    from cloud_client.api.subscriptions import (
        bulk_subscribe,
        bulk_unsubscribe,
        list_subscriptions,
        subscribe,
        unsubscribe,
    )
    from cloud_client.models import (
        BulkUnsubscribeRequestItem,
        ListClientsConnState,
        SubscribeRequest,
        UnsubscribeRequest,
    )

    httpx.delete(f"{base_url}/_sim/journal", auth=AUTH).raise_for_status()
    page = list_clients.sync(client=api, field_limit=5, conn_state=ListClientsConnState.CONNECTED)
    assert isinstance(page, cloud.models.ClientPage) and len(page.data) == 5 and page.meta.count > 5
    first = page.data[0]
    assert isinstance(first, cloud.models.MqttClient) and first.connected and first.recv_msg_qos0 >= 0
    picked = list_clients.sync(client=api, clientid=["client_1", first.clientid])
    assert sorted(client.clientid for client in picked.data) == sorted(["client_1", first.clientid])
    looked_up = get_client.sync(page.data[1].clientid, client=api)
    assert isinstance(looked_up, cloud.models.MqttClient) and looked_up.ip_address == page.data[1].ip_address

    assert subscribe.sync("client_1", client=api, body=SubscribeRequest(topic="a", qos=1)).qos == 1
    echoes = bulk_subscribe.sync("client_1", client=api, body=[SubscribeRequest(topic=t) for t in ("b", "c")])
    assert [(echo.topic, echo.qos) for echo in echoes] == [("b", 0), ("c", 0)]
    assert [held.topic for held in list_subscriptions.sync("client_1", client=api)] == ["a", "b", "c"]
    assert unsubscribe.sync_detailed("client_1", client=api, body=UnsubscribeRequest(topic="a")).status_code == 204
    items = [BulkUnsubscribeRequestItem(topic="b"), BulkUnsubscribeRequestItem(topic="c")]
    assert bulk_unsubscribe.sync_detailed("client_1", client=api, body=items).status_code == 204
    assert list_subscriptions.sync("client_1", client=api) == []

    assert kick_client.sync_detailed("client_1", client=api).status_code == 204
    assert bulk_kick.sync_detailed(client=api, body=[first.clientid, "no-such-client"]).status_code == 204
    for gone in ("client_1", first.clientid):
        assert get_client.sync_detailed(gone, client=api).status_code == 404

    journal = httpx.get(f"{base_url}/_sim/journal", params={"limit": 1000}, auth=AUTH).json()["data"]
    answered = {entry["operationId"] for entry in journal if entry["status"] < 400}
    assert answered == OPERATIONS
