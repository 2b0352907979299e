"""A Python client generated from emqx5.yaml by openapi-python-client type-checks and drives every operation of the
EMQX 5 dialect, logged in as the dashboard is."""

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
from emqx5_client import AuthenticatedClient
from emqx5_client.api.clients import subscribe
from emqx5_client.models import Error, ErrorCode, SubscribeEcho, SubscribeRequest

request = SubscribeRequest(topic="t/a", qos=2, nl=1, rap=1, rh=2)
client = AuthenticatedClient("http://x", token="from-login")
answer: SubscribeEcho | Error | None = subscribe.sync("client1", client=client, body=request)
code: ErrorCode | None = answer.code if isinstance(answer, Error) else None
"""
OPERATIONS = {
    op["operationId"]
    for item in spec.load(spec.EMQX5_SPEC)["paths"].values()
    for op in item.values()
    if "operationId" in op
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(spec.EMQX5_SPEC, tmp_path_factory.mktemp("generated"), "emqx5_client")


@pytest.fixture(scope="module")
def emqx5(generated: Path) -> ModuleType:
    return load(generated)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(create_app(make_config(clients=50, dialect="emqx5"))) as url:
        yield url


def test_the_generated_client_and_its_use_type_check(generated: Path) -> None:
    type_check(generated, USAGE)


@pytest.fixture
def api(emqx5: ModuleType, base_url: str) -> Iterator[Any]:
    """Logged in as the dashboard logs in, with the journal emptied first."""
    from emqx5_client.api.dashboard import login
    from emqx5_client.models import LoginRequest

    httpx.delete(f"{base_url}/_sim/journal", auth=AUTH).raise_for_status()
    with emqx5.Client(base_url) as anonymous:
        token = login.sync(client=anonymous, body=LoginRequest(username="admin", password="public")).token
    with emqx5.AuthenticatedClient(base_url, token=token, raise_on_unexpected_status=True) as client:
        yield client


def test_every_operation_answers_through_the_client(emqx5: ModuleType, api: Any, base_url: str) -> None:
    from emqx5_client.api.clients import (
        bulk_kick,
        bulk_subscribe,
        bulk_unsubscribe,
        clean_authz_cache,
        get_authz_cache,
        get_client,
        kick_client,
        list_clients,
        list_clients_v2,
        list_inflight_messages,
        list_mqueue_messages,
        list_subscriptions,
        sessions_count,
        set_keepalive,
        subscribe,
        unsubscribe,
    )
    from emqx5_client.api.dashboard import change_password, logout
    from emqx5_client.api.metrics import get_monitor, get_monitor_current, get_stats
    from emqx5_client.api.nodes import list_nodes
    from emqx5_client.api.subscriptions import list_all_subscriptions
    from emqx5_client.api.telemetry import telemetry_status
    from emqx5_client.models import (
        ChangePasswordRequest,
        Error,
        ErrorCode,
        KeepaliveRequest,
        LogoutRequest,
        SubscribeRequest,
        UnsubscribeRequest,
    )

    models = emqx5.models
    page = list_clients.sync(client=api, limit=5, fields="clientid,username,ip_address")
    assert isinstance(page, models.ClientPage) and len(page.data) == 5
    first, second = page.data[0].clientid, page.data[1].clientid
    cursor_page = list_clients_v2.sync(client=api, limit=2)
    assert isinstance(cursor_page, models.ClientCursorPage) and isinstance(cursor_page.meta.cursor, str)
    looked_up = get_client.sync(first, client=api)
    assert isinstance(looked_up, models.MqttClient) and looked_up.ip_address == page.data[0].ip_address

    before = looked_up.subscriptions_cnt
    echo = subscribe.sync(first, client=api, body=SubscribeRequest(topic="t/gen", qos=2, nl=1, rap=1, rh=2))
    assert isinstance(echo, models.SubscribeEcho) and (echo.qos, echo.nl, echo.rap, echo.rh) == (2, 1, 1, 2)
    assert get_client.sync(first, client=api).subscriptions_cnt == before + 1
    made = bulk_subscribe.sync(first, client=api, body=[SubscribeRequest(topic="t/b"), SubscribeRequest(topic="t/c")])
    assert [item.topic for item in made] == ["t/b", "t/c"]
    held = {item.topic: item.qos for item in list_subscriptions.sync(first, client=api)}
    assert held["t/gen"] == 2 and {"t/b", "t/c"} <= set(held)
    everyone = list_all_subscriptions.sync(client=api, clientid=first, qos=2)
    assert "t/gen" in [item.topic for item in everyone.data] and {item.qos for item in everyone.data} == {2}
    assert unsubscribe.sync_detailed(first, client=api, body=UnsubscribeRequest(topic="t/gen")).status_code == 204
    topics = [UnsubscribeRequest(topic="t/b"), UnsubscribeRequest(topic="t/c")]
    assert bulk_unsubscribe.sync_detailed(first, client=api, body=topics).status_code == 204

    assert isinstance(get_authz_cache.sync(first, client=api), list)
    assert clean_authz_cache.sync_detailed(first, client=api).status_code == 204
    assert set_keepalive.sync(first, client=api, body=KeepaliveRequest(interval=30)).keepalive == 30
    assert isinstance(list_mqueue_messages.sync(first, client=api), models.MqueueMessages)
    assert isinstance(list_inflight_messages.sync(first, client=api), models.InflightMessages)
    assert isinstance(sessions_count.sync(client=api), int)
    assert isinstance(get_monitor_current.sync(client=api), models.MonitorCurrent)
    assert isinstance(get_monitor.sync(client=api, latest=60), list)
    assert isinstance(get_stats.sync(client=api, aggregate=True), models.Stats)
    assert looked_up.node in {node.node for node in list_nodes.sync(client=api)}
    assert isinstance(telemetry_status.sync(client=api), models.TelemetryStatus)

    assert kick_client.sync_detailed(first, client=api).status_code == 204
    assert bulk_kick.sync_detailed(client=api, body=[second, "no-such-client"]).status_code == 204
    gone = get_client.sync(first, client=api)
    assert isinstance(gone, Error) and gone.code is ErrorCode.CLIENTID_NOT_FOUND

    assert logout.sync_detailed(client=api, body=LogoutRequest(username="admin")).status_code == 204
    logged_out = get_client.sync(second, client=api)
    assert isinstance(logged_out, Error) and logged_out.code is ErrorCode.BAD_TOKEN
    renamed = ChangePasswordRequest(old_pwd="public", new_pwd="public-2026")
    with emqx5.Client(base_url, httpx_args={"auth": AUTH}) as with_api_key:
        assert change_password.sync_detailed("admin", client=with_api_key, body=renamed).status_code == 204
    journal = httpx.get(f"{base_url}/_sim/journal", params={"limit": 1000}, auth=AUTH).json()["data"]
    assert {entry["operationId"] for entry in journal if entry["status"] < 400} == OPERATIONS
