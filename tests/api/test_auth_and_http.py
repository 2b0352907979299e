"""Credentials, error bodies and HTTP behaviour: every error is EMQX JSON, never a 500 for bad input."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest

from simulator import body
from simulator.error_codes import HttpError
from tests.conftest import API, AUTH


def _is_emqx_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_missing_credentials(client: Any) -> None:
    response = client.get(f"{API}/clients")
    _is_emqx_error(response, 401, "AUTHORIZATION_HEADER_ERROR")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_the_documents_mistyped_secret_is_refused(client: Any) -> None:
    response = client.get(f"{API}/clients/client_1", auth=("app_id", "app_ssecret"))
    assert _is_emqx_error(response, 401, "BAD_API_KEY_OR_SECRET")["message"] == "Check api_key/api_secret"
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "header",
    ["Bearer abc", "Basic", "Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode(), "Digest x=1"],
)
def test_unusable_authorization_headers(client: Any, header: str) -> None:
    response = client.get(f"{API}/clients", headers={"Authorization": header})
    _is_emqx_error(response, 401, "AUTHORIZATION_HEADER_ERROR")


def test_unknown_app_id(client: Any) -> None:
    _is_emqx_error(client.get(f"{API}/clients", auth=("other", "app_secret")), 401, "BAD_API_KEY_OR_SECRET")


def test_credentials_are_checked_before_parameters_and_bodies(client: Any) -> None:
    _is_emqx_error(client.get(f"{API}/clients?_limit=0&bogus=1"), 401, "AUTHORIZATION_HEADER_ERROR")
    response = client.post(f"{API}/clients/client_1/subscribe", content=b"{bad", headers={"content-type": "text/plain"})
    _is_emqx_error(response, 401, "AUTHORIZATION_HEADER_ERROR")
    _is_emqx_error(client.get(f"{API}/clients/nobody"), 401, "AUTHORIZATION_HEADER_ERROR")


def test_configured_credentials(make_client: Callable[..., Any]) -> None:
    client = make_client(app_id="k3y", app_secret="s3cr:et")
    assert client.get(f"{API}/clients", auth=("k3y", "s3cr:et")).status_code == 200
    _is_emqx_error(client.get(f"{API}/clients", auth=AUTH), 401, "BAD_API_KEY_OR_SECRET")


def test_wrong_method_lists_the_allowed_ones(client: Any) -> None:
    response = client.put(f"{API}/clients/client_1", auth=AUTH)
    _is_emqx_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, DELETE"
    response = client.get(f"{API}/clients/client_1/subscribe", auth=AUTH)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    response = client.delete(f"{API}/clients", auth=AUTH)
    assert response.status_code == 405 and response.headers["allow"] == "GET"


def test_unknown_path(client: Any) -> None:
    _is_emqx_error(client.get(f"{API}/nodes", auth=AUTH), 404, "NOT_FOUND")


def test_body_must_be_json(client: Any) -> None:
    response = client.post(
        f"{API}/clients/client_1/subscribe",
        auth=AUTH,
        content=b"topic=t/a",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = _is_emqx_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert body["message"] == "content-type:application/json Required"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{bad", "Invalid json message received"),
        (b'{"topic": "t/a",}', "Invalid json message received"),
        (b"\xff\xfe{}", "not valid utf-8"),
        (b"[" * 100_000 + b"]" * 100_000, "Invalid json message received"),
    ],
)
def test_broken_bodies(client: Any, raw: bytes, message: str) -> None:
    response = client.post(
        f"{API}/clients/client_1/subscribe", auth=AUTH, content=raw, headers={"content-type": "application/json"}
    )
    assert message in _is_emqx_error(response, 400, "BAD_REQUEST")["message"]


def test_empty_body(client: Any) -> None:
    response = client.post(
        f"{API}/clients/client_1/subscribe", auth=AUTH, content=b"", headers={"content-type": "application/json"}
    )
    assert _is_emqx_error(response, 400, "BAD_REQUEST")["message"] == "Request body is required"


def test_bodies_over_one_mebibyte(client: Any) -> None:
    big = b'{"topic": "' + b"a" * (1024 * 1024) + b'"}'
    response = client.post(
        f"{API}/clients/client_1/subscribe", auth=AUTH, content=big, headers={"content-type": "application/json"}
    )
    _is_emqx_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_credentials_come_before_the_size_limit(client: Any) -> None:
    big = b'{"topic": "' + b"a" * (1024 * 1024) + b'"}'
    response = client.post(
        f"{API}/clients/client_1/subscribe", content=big, headers={"content-type": "application/json"}
    )
    _is_emqx_error(response, 401, "AUTHORIZATION_HEADER_ERROR")


def test_streamed_bodies_are_cut_at_the_limit() -> None:
    chunks = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 3

    async def run() -> None:
        pending = iter(chunks)

        async def receive() -> Any:
            return next(pending)

        await body.read(receive, limit=1000)

    with pytest.raises(HttpError) as caught:
        asyncio.run(run())
    assert (caught.value.status_code, caught.value.code) == (413, "PAYLOAD_TOO_LARGE")


def test_cors_preflight_and_simple_requests(client: Any) -> None:
    preflight = client.options(
        f"{API}/clients/client_1/subscribe",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    simple = client.get(f"{API}/clients?_limit=1", auth=AUTH, headers={"Origin": "http://localhost:5173"})
    assert simple.headers["access-control-allow-origin"] == "*"
    refused = client.get(f"{API}/clients?_limit=1", headers={"Origin": "http://localhost:5173"})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "*"


def test_cors_origin_can_be_restricted(make_client: Callable[..., Any]) -> None:
    client = make_client(cors_origins=("http://dash.example",))
    ok = client.get(f"{API}/clients?_limit=1", auth=AUTH, headers={"Origin": "http://dash.example"})
    assert ok.headers["access-control-allow-origin"] == "http://dash.example"
    other = client.get(f"{API}/clients?_limit=1", auth=AUTH, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_swagger_ui_and_spec_are_served(client: Any) -> None:
    assert client.get(f"{API}/ui/").status_code == 200
    assert client.get(f"{API}/openapi.json").json()["info"]["title"] == "EMQX Cloud Clients API"
