"""`emqx-sim contract-test` against live servers on loopback: a good one passes, a broken one fails."""

from __future__ import annotations

import os
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulator.app import create_app
from simulator.cli import main
from tests.conftest import AUTH, make_config
from tests.servers import serving

Asgi = Callable[..., Any]
DEEP = os.environ.get("EMQX_SIM_FUZZ") == "deep"


def off_contract_lookup(app: Asgi) -> Asgi:
    """`app`, except that looking one client up answers a body the contract forbids (port as a string)."""

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path.count("/") != 4:
            await app(scope, receive, send)
            return
        body = b""
        start: dict[str, Any] = {}

        async def capture(message: dict[str, Any]) -> None:
            nonlocal body
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                body += message.get("body", b"")

        await app(scope, receive, capture)
        if start["status"] == 200:
            body = body.replace(b'"port":', b'"port":"x', 1).replace(b',"send_msg.qos1"', b'","send_msg.qos1"', 1)
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return broken


def recording(app: Asgi, seen: list[tuple[str, str]]) -> Asgi:
    async def record(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append((scope["method"], scope["path"]))
        await app(scope, receive, send)

    return record


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["cloud", "emqx5"])
def test_the_simulator_keeps_the_contract(tmp_path: Path, capfd: pytest.CaptureFixture[str], dialect: str) -> None:
    junit = tmp_path / "reports" / "contract.xml"
    examples = "1000" if DEEP else "10"
    config = make_config(clients=1000 if DEEP else 150, validate_responses=False, dialect=dialect)
    with serving(create_app(config)) as url:
        flags = ["--max-examples", examples, "--junit", str(junit), "--contract", dialect]
        code = main(["contract-test", "--url", url, *flags])
    out = capfd.readouterr().out
    if DEEP:
        with capfd.disabled():
            print(out[out.find("SUMMARY") - 40 :])
    assert code == 0, out[-3000:]
    assert "keeps the contract" in out
    cases = ET.parse(junit).getroot().iter("testcase")
    names = [case.get("name") for case in cases]
    assert len(names) >= 7
    assert not list(ET.parse(junit).getroot().iter("failure"))


@pytest.mark.slow
def test_a_broken_target_fails_naming_the_operation_and_the_check(capfd: pytest.CaptureFixture[str]) -> None:
    app = off_contract_lookup(create_app(make_config(clients=50, validate_responses=False)))
    with serving(app) as url:
        code = main(["contract-test", "--url", url, "--max-examples", "5"])
    out = capfd.readouterr().out
    assert code != 0
    assert "GET /clients/{clientid}" in out
    assert "Response violates schema" in out
    assert "BREAKS the contract" in out


@pytest.mark.slow
def test_read_only_changes_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    seen: list[tuple[str, str]] = []
    app = create_app(make_config(clients=50, validate_responses=False))
    with serving(recording(app, seen)) as url:
        before = httpx.get(f"{url}/clients?_limit=10000", auth=AUTH).content
        code = main(["contract-test", "--url", url, "--max-examples", "5", "--read-only"])
        after = httpx.get(f"{url}/clients?_limit=10000", auth=AUTH).content
    out = capfd.readouterr().out
    assert code == 0, out[-3000:]
    assert "(read-only)" in out
    assert before == after
    assert len(seen) > 50
    operations = [(method, path) for method, path in seen if method in ("POST", "DELETE")]
    changing = [
        (m, p) for m, p in operations if (m == "DELETE" and p.count("/") == 4) or p.endswith(("subscribe", "/bulk"))
    ]
    assert changing == []


def test_unreachable_url_is_one_line(capfd: pytest.CaptureFixture[str]) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    code = main(["contract-test", "--url", f"http://127.0.0.1:{port}/api/v5"])
    captured = capfd.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("emqx-sim contract-test: cannot reach")
    assert "Traceback" not in captured.out + captured.err


def test_wrong_credentials_are_one_line(capfd: pytest.CaptureFixture[str]) -> None:
    with serving(create_app(make_config(clients=10))) as url:
        code = main(["contract-test", "--url", url, "--app-secret", "nope"])
    captured = capfd.readouterr()
    assert code == 2
    assert captured.err.strip().splitlines() == [
        f"emqx-sim contract-test: {url}/clients refused the credentials of app id 'app_id' (401)"
    ]
