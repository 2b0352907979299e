"""Hostile and unusual input, sent as raw bytes to a real server: every request gets an answer that is not a 5xx,
and every 4xx the app gives is an EMQX error `{"code","message"}` in `application/json`.

Requests are written byte by byte over a socket so that no client library normalizes them. Where uvicorn's own
HTTP parser refuses the bytes before the app sees them, only "answered, and not a 5xx" is asserted; each such
case says so.
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import urlsplit

import pytest

from simulator.app import create_app
from tests.conftest import make_config
from tests.servers import serving

API = b"/api/v5"
CREDENTIALS = b"Basic YXBwX2lkOmFwcF9zZWNyZXQ="
JSON = b"Content-Type: application/json"
CHUNKED = b"Transfer-Encoding: chunked"
MIB = 1024 * 1024
TIMEOUT = 10.0
PARSER_REFUSAL = b"Invalid HTTP request received."
"""The body of uvicorn's 400 for bytes its HTTP parser cannot read (the app never sees the request)."""

SUBSCRIBE = b"/clients/client_1/subscribe"
UNSUBSCRIBE = b"/clients/client_1/unsubscribe"
BULK_SUBSCRIBE = b"/clients/client_1/subscribe/bulk"
BULK_UNSUBSCRIBE = b"/clients/client_1/unsubscribe/bulk"
ECHO = {"clientid": "client_1", "topic": "t/a", "qos": 1, "nl": 0, "rap": 0, "rh": 0}


# --- raw HTTP/1.1 over a socket -------------------------------------------------------------------------------


class Reply(NamedTuple):
    """A parsed HTTP/1.1 response: status, headers (lower-case names, repeats joined with ", "), body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        shown = self.body[:300] + (b"..." if len(self.body) > 300 else b"")
        return f"Reply({self.status}, {self.headers!r}, {shown!r})"


def request(
    method: bytes,
    path: bytes,
    *,
    body: bytes | None = None,
    headers: Sequence[bytes] = (),
    auth: bytes | None = CREDENTIALS,
    length: bool = True,
    base: bytes = API,
) -> bytes:
    """The bytes of one request to `base + path`, with `Connection: close`; a Content-Length when `length`."""
    lines = [method + b" " + base + path + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    if auth is not None:
        lines.append(b"Authorization: " + auth if auth else b"Authorization:")
    lines.extend(headers)
    if body is not None and length:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def chunked(body: bytes, size: int, extension: bytes = b"") -> bytes:
    """`body` in the chunked transfer coding, in chunks of `size` bytes."""
    parts = [b"%x%s\r\n%s\r\n" % (len(body[at : at + size]), extension, body[at : at + size])
             for at in range(0, len(body), size)]  # fmt: skip
    return b"".join(parts) + b"0\r\n\r\n"


def exchange(port: int, raw: bytes, timeout: float = TIMEOUT) -> Reply:
    """Send `raw` as is and read the one response (1xx interim responses skipped). The bytes are sent from
    another thread, so that a server that answers before reading the whole body is still heard."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sender = threading.Thread(target=_send_all, args=(sock, raw), daemon=True)
        sender.start()
        try:
            with sock.makefile("rb") as stream:
                return _read_reply(stream, head=raw.startswith(b"HEAD "))
        finally:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sender.join(timeout)


def _send_all(sock: socket.socket, raw: bytes) -> None:
    with suppress(OSError):  # the server may answer and close before reading everything: the answer counts
        sock.sendall(raw)


def _read_reply(stream: BinaryIO, head: bool) -> Reply:
    while True:
        line = stream.readline(65536)
        assert line, "the server closed the connection without answering"
        status = int(line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (field := stream.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = field.decode("latin-1").partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if not 100 <= status < 200:
            break
    if head or status in (204, 304):
        return Reply(status, headers, b"")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return Reply(status, headers, _read_chunked(stream))
    if "content-length" in headers:
        return Reply(status, headers, _read_exactly(stream, int(headers["content-length"])))
    return Reply(status, headers, stream.read())


def _read_chunked(stream: BinaryIO) -> bytes:
    body = bytearray()
    while size := int(stream.readline(65536).split(b";")[0].strip(), 16):
        body += _read_exactly(stream, size)
        stream.readline(65536)
    while stream.readline(65536) not in (b"\r\n", b"\n", b""):
        pass  # trailer fields
    return bytes(body)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    assert len(data) == size, f"the body ended after {len(data)} of {size} bytes"
    return data


@dataclass(frozen=True, slots=True)
class Server:
    """A simulator listening on a loopback port."""

    port: int

    def exchange(self, raw: bytes, timeout: float = TIMEOUT) -> Reply:
        return exchange(self.port, raw, timeout)

    def send(self, method: bytes, path: bytes, **options: Any) -> Reply:
        return self.exchange(request(method, path, **options))

    def get(self, path: bytes, **options: Any) -> Reply:
        return self.send(b"GET", path, **options)

    def post(self, path: bytes, body: bytes, *headers: bytes, **options: Any) -> Reply:
        """POST `body` with `headers` (`Content-Type: application/json` when none is given)."""
        return self.send(b"POST", path, body=body, headers=headers or (JSON,), **options)


def _start(stack: ExitStack, **overrides: Any) -> Server:
    base = stack.enter_context(serving(create_app(make_config(**overrides))))
    port = urlsplit(base).port
    assert port is not None
    return Server(port)


# --- what an answer must be ---------------------------------------------------------------------------------


def refused_by_parser(reply: Reply) -> bool:
    """Whether uvicorn's HTTP parser refused the bytes (a plain-text 400 the app never saw)."""
    return reply.status == 400 and reply.body == PARSER_REFUSAL


def assert_error(reply: Reply, status: int, *codes: str) -> dict[str, Any]:
    """`reply` is an EMQX error with this status and one of `codes` (any code when none is given)."""
    assert reply.status == status, reply
    assert reply.headers.get("content-type", "").split(";")[0].strip() == "application/json", reply
    body = reply.json()
    assert isinstance(body, dict) and set(body) == {"code", "message"}, reply
    assert isinstance(body["code"], str) and body["code"] and (not codes or body["code"] in codes), reply
    assert isinstance(body["message"], str) and body["message"], reply
    return body


def assert_answered(reply: Reply, *, parser_may_refuse: bool = False) -> None:
    """Not a 5xx; a 4xx from the app is an EMQX error. With `parser_may_refuse`, uvicorn's own 400 is fine too."""
    assert reply.status < 500, reply
    if parser_may_refuse and refused_by_parser(reply):
        return
    if reply.status >= 400:
        assert_error(reply, reply.status)


def assert_echo(reply: Reply, **expected: Any) -> None:
    """A 200 subscription echo for client_1 (or `expected`'s overrides)."""
    assert reply.status == 200, reply
    echo = reply.json()
    assert {key: echo.get(key) for key in {**ECHO, **expected}} == {**ECHO, **expected}, reply
    assert echo["node"], reply


def b64(raw: bytes) -> bytes:
    return base64.b64encode(raw)


# --- servers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One simulator for every test that changes nothing a later test reads."""
    with ExitStack() as stack:
        yield _start(stack)


@pytest.fixture
def fresh() -> Iterator[Callable[..., Server]]:
    """Starts simulators of its own (config overrides as keywords), stopped after the test."""
    with ExitStack() as stack:
        yield lambda **overrides: _start(stack, **overrides)


ODD_CLIENTIDS = ["a/b", "a b", "a+b", "a?b", "a#b", "a%2Fb", "a%", "a;b", "a\\b", "../b", "..", ".", "é"]
"""Clientids that need care in a path: MQTT allows any UTF-8 string."""


def odd_scenario(directory: Path) -> str:
    """A scenario file whose only clients are `ODD_CLIENTIDS` (JSON is YAML)."""
    path = directory / "odd.json"
    scenario = {
        "description": "Clientids that must be percent-encoded in a path.",
        "population": {"clients": len(ODD_CLIENTIDS), "nodes": 1, "documented": False},
        "clients": [{"clientid": clientid} for clientid in ODD_CLIENTIDS],
    }
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with ExitStack() as stack:
        yield _start(stack, scenario=odd_scenario(tmp_path_factory.mktemp("odd")), clients=None)


# --- media types ----------------------------------------------------------------------------------------------

JSON_ENDPOINTS = [
    pytest.param(b"POST", SUBSCRIBE, id="subscribe"),
    pytest.param(b"POST", UNSUBSCRIBE, id="unsubscribe"),
    pytest.param(b"POST", BULK_SUBSCRIBE, id="bulk-subscribe"),
    pytest.param(b"POST", BULK_UNSUBSCRIBE, id="bulk-unsubscribe"),
    pytest.param(b"POST", b"/_sim/clock/advance", id="sim-advance"),
    pytest.param(b"PUT", b"/_sim/clock", id="sim-clock"),
    pytest.param(b"POST", b"/_sim/regenerate", id="sim-regenerate"),
    pytest.param(b"POST", b"/_sim/faults", id="sim-faults"),
    pytest.param(b"PUT", b"/_sim/state", id="sim-state"),
]
"""Every operation with a JSON request body."""


VALID_BODIES = {
    SUBSCRIBE: b'{"topic": "t/a"}',
    UNSUBSCRIBE: b'{"topic": "t/a"}',
    BULK_SUBSCRIBE: b'[{"topic": "t/a"}]',
    BULK_UNSUBSCRIBE: b'[{"topic": "t/a"}]',
    b"/_sim/clock/advance": b'{"seconds": 0}',
    b"/_sim/clock": b'{"frozen": true}',
    b"/_sim/regenerate": b'{"seed": 7}',
    b"/_sim/faults": b'{"operation": "getClient", "delay_ms": 1, "times": 1}',
}
"""A body each endpoint accepts when it is declared as JSON (the state is read from the server)."""


@pytest.fixture(scope="module")
def media() -> Iterator[Server]:
    """A simulator of its own for bodies that should be refused: one wrongly taken changes no other test."""
    with ExitStack() as stack:
        yield _start(stack)


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param(None, id="none"),
        pytest.param(b"Content-Type: text/plain", id="text-plain"),
        pytest.param(b"Content-Type:", id="empty"),
        pytest.param(b"Content-Type: application/x-www-form-urlencoded", id="form"),
        pytest.param(b"Content-Type: application/json-patch+json", id="json-patch"),
        pytest.param(b"Content-Type: application/jsonx", id="jsonx"),
        pytest.param(b"Content-Type: */*", id="any"),
        pytest.param(b"Content-Type: application", id="no-subtype"),
    ],
)
def test_a_body_not_declared_as_json_is_415(
    media: Server, method: bytes, path: bytes, content_type: bytes | None
) -> None:
    # The body is one the endpoint takes as JSON: only the declared media type is wrong. Without a Content-Type a
    # server may sniff (RFC 9110 8.3); EMQX does not, and answers 415 like for any other type.
    body = VALID_BODIES.get(path) or media.get(b"/_sim/state").body
    reply = media.send(method, path, body=body, headers=[content_type] if content_type is not None else [])
    assert_error(reply, 415, "UNSUPPORTED_MEDIA_TYPE")


SUBSCRIPTION = b'{"topic": "t/a", "qos": 1}'


@pytest.mark.parametrize(
    ("encoding", "body", "decodable"),
    [
        pytest.param(b"gzip", gzip.compress(SUBSCRIPTION, mtime=0), True, id="gzip"),
        pytest.param(b"deflate", zlib.compress(SUBSCRIPTION), True, id="deflate"),
        pytest.param(b"x-no-such-coding", SUBSCRIPTION, False, id="unknown-coding"),
        pytest.param(b"identity", SUBSCRIPTION, True, id="identity"),
    ],
)
def test_content_encodings(server: Server, encoding: bytes, body: bytes, decodable: bool) -> None:
    # RFC 9110 15.5.16: content in a coding the server does not decode is a 415, not a body read as if it were
    # plain; a coding it does decode (or identity) is 200. EMQX decodes none of them.
    reply = server.post(SUBSCRIBE, body, JSON, b"Content-Encoding: " + encoding)
    if encoding == b"identity" or (decodable and reply.status == 200):
        assert_echo(reply)
    else:
        assert_error(reply, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param(b"Application/JSON", id="mixed-case"),
        pytest.param(b"application/json; charset=utf-8", id="charset-utf-8"),
        pytest.param(b"APPLICATION/JSON;charset=UTF-8", id="upper-case"),
        pytest.param(b'application/json; charset="utf-8"', id="quoted-charset"),
        pytest.param(b"application/json ; charset=utf-8", id="space-before-semicolon"),
        # EMQX (cowboy + minirest) checks only type/subtype and ignores parameters; an ASCII body reads the same in
        # latin-1 as in UTF-8, so honouring the declared charset and ignoring it agree: 200.
        pytest.param(b"application/json; charset=latin-1", id="charset-latin-1"),
    ],
)
def test_media_types_are_case_insensitive_and_take_parameters(server: Server, content_type: bytes) -> None:
    assert_echo(server.post(SUBSCRIBE, b'{"topic": "t/a", "qos": 1}', b"Content-Type: " + content_type))


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param(b"application/json; ;;", id="empty-params"),
        pytest.param(b"application/json; charset", id="param-without-value"),
        pytest.param(b"application/json; =x", id="value-without-name"),
        pytest.param(b"application/json; charset=no-such-charset", id="unknown-charset"),
        pytest.param(b'application/json; boundary="unterminated', id="unterminated-quote"),
        pytest.param(b"application/json; charset=utf-8; charset=latin-1", id="charset-twice"),
    ],
)
def test_garbage_media_type_parameters(server: Server, content_type: bytes) -> None:
    # EMQX ignores the parameters (200); a stricter server may refuse them (400 or 415). Never a 5xx.
    reply = server.post(SUBSCRIBE, b'{"topic": "t/a", "qos": 1}', b"Content-Type: " + content_type)
    if reply.status == 200:
        assert_echo(reply)
    else:
        assert_error(reply, reply.status, "BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE")
        assert reply.status in (400, 415), reply


def test_two_content_types_are_not_json(server: Server) -> None:
    reply = server.post(SUBSCRIBE, b'{"topic": "t/a"}', JSON, b"Content-Type: text/plain")
    assert reply.status in (400, 415), reply
    assert_error(reply, reply.status, "BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "content_type",
    [pytest.param(b"Application/JSON", id="mixed-case"), pytest.param(b"application/json; charset=utf-8", id="param")],
)
def test_control_api_media_types(server: Server, content_type: bytes) -> None:
    reply = server.send(b"PUT", b"/_sim/clock", body=b'{"frozen": true}', headers=[b"Content-Type: " + content_type])
    assert reply.status == 200 and reply.json()["frozen"] is True, reply


# --- body sizes, chunked and announced ------------------------------------------------------------------------


def padded(size: int, document: bytes = b'{"topic": "t/a", "qos": 1}') -> bytes:
    """`document` followed by whitespace up to `size` bytes: still one valid JSON text."""
    return document + b" " * (size - len(document))


@pytest.mark.parametrize(
    ("body", "chunk", "extension"),
    [
        pytest.param(b'{"topic": "t/a", "qos": 1}', 1 << 20, b"", id="one-chunk"),
        pytest.param(b'{"topic": "t/a", "qos": 1}', 1, b"", id="one-byte-chunks"),
        pytest.param(b'{"topic": "t/a", "qos": 1}', 7, b";name=value", id="chunk-extensions"),
        pytest.param(padded(MIB), 64 * 1024, b"", id="exactly-1-MiB"),
    ],
)
def test_chunked_bodies_are_read(server: Server, body: bytes, chunk: int, extension: bytes) -> None:
    reply = server.post(SUBSCRIBE, chunked(body, chunk, extension), JSON, CHUNKED, length=False)
    assert_echo(reply)


def test_chunked_bulk_body(server: Server) -> None:
    body = b'[{"topic": "t/a", "qos": 1}, {"topic": "t/b", "qos": 0}]'
    reply = server.post(BULK_SUBSCRIBE, chunked(body, 5), JSON, CHUNKED, length=False)
    assert reply.status == 200 and [echo["topic"] for echo in reply.json()] == ["t/a", "t/b"], reply


def test_chunked_control_body(server: Server) -> None:
    reply = server.send(b"PUT", b"/_sim/clock", body=chunked(b'{"frozen": true}', 3), headers=[JSON, CHUNKED],
                        length=False)  # fmt: skip
    assert reply.status == 200 and reply.json()["frozen"] is True, reply


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
@pytest.mark.parametrize("size", [pytest.param(MIB + 1, id="1-MiB-plus-1"), pytest.param(2 * MIB, id="2-MiB")])
@pytest.mark.parametrize("transfer", ["chunked", "content-length"])
def test_bodies_over_1_mib_are_413(server: Server, method: bytes, path: bytes, size: int, transfer: str) -> None:
    body = padded(size, b"[]")
    if transfer == "chunked":
        reply = server.send(method, path, body=chunked(body, 64 * 1024), headers=[JSON, CHUNKED], length=False)
    else:
        reply = server.send(method, path, body=body, headers=[JSON])
    assert_error(reply, 413, "PAYLOAD_TOO_LARGE")


def test_a_body_of_exactly_1_mib_with_content_length(server: Server) -> None:
    assert_echo(server.post(SUBSCRIBE, padded(MIB)))


def test_a_huge_content_length_is_413_at_once(server: Server) -> None:
    # The body announced is never sent: the server must answer from the header, not wait for the body.
    raw = request(b"POST", SUBSCRIBE, headers=[JSON, b"Content-Length: 99999999999"]) + b'{"topic": "t/a"}'
    reply = server.exchange(raw)
    if not refused_by_parser(reply):
        assert_error(reply, 413, "PAYLOAD_TOO_LARGE")


def test_expect_100_continue(server: Server) -> None:
    assert_echo(server.post(SUBSCRIBE, b'{"topic": "t/a", "qos": 1}', JSON, b"Expect: 100-continue"))


def test_expect_100_continue_over_the_limit_is_413(server: Server) -> None:
    assert_error(server.post(SUBSCRIBE, padded(2 * MIB), JSON, b"Expect: 100-continue"), 413, "PAYLOAD_TOO_LARGE")


# --- credentials ----------------------------------------------------------------------------------------------

AUTHENTICATED = [
    pytest.param(b"/clients?_limit=1", id="list"),
    pytest.param(b"/clients/client_1", id="get"),
    pytest.param(b"/_sim/status", id="sim-status"),
]


@pytest.mark.parametrize("path", AUTHENTICATED)
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(b"Basic \xff\xfe", id="raw-non-ascii"),
        pytest.param(b"Basic " + b64(b"\xff\xfe:\xfd\xfc"), id="non-utf8-credentials"),
        pytest.param(b"Basic !!!", id="not-base64"),
        pytest.param(b"Basic =", id="padding-only"),
        pytest.param(b"Basic " + b64(b"app_id"), id="no-colon"),
        pytest.param(b"Basic " + b"A" * 8192, id="long-token"),
        pytest.param(b"Basic", id="basic-empty"),
        pytest.param(b"Bearer", id="bearer-empty"),
        pytest.param(b"Digest x", id="digest"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xc3\xa9", id="non-ascii-scheme"),
    ],
)
def test_authorization_that_cannot_be_decoded_is_401(server: Server, path: bytes, authorization: bytes) -> None:
    # Credentials that are not UTF-8 are a header the server cannot read, like bad base64 (EMQX's cowboy would
    # compare the raw bytes and answer BAD_API_KEY_OR_SECRET: 401 either way).
    reply = server.get(path, auth=authorization)
    assert_error(reply, 401, "AUTHORIZATION_HEADER_ERROR")
    assert reply.headers.get("www-authenticate", "").startswith("Basic"), reply


@pytest.mark.parametrize("path", AUTHENTICATED)
@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param(b"other:app_secret", id="unknown-app-id"),
        pytest.param(b"app_id:app_ssecret", id="wrong-secret"),
        pytest.param(b"APP_ID:app_secret", id="app-id-case"),
        pytest.param(b":app_secret", id="empty-app-id"),
        pytest.param(b"app_id:", id="empty-secret"),
        pytest.param(b"app_id:app_secret\n", id="secret-with-newline"),
        pytest.param(b"app_id:app_secret\x00", id="secret-with-nul"),
        pytest.param("app_id:app_secrét".encode(), id="non-ascii-secret"),
    ],
)
def test_wrong_credentials_are_401(server: Server, path: bytes, credentials: bytes) -> None:
    reply = server.get(path, auth=b"Basic " + b64(credentials))
    assert_error(reply, 401, "BAD_API_KEY_OR_SECRET")
    assert reply.headers.get("www-authenticate", "").startswith("Basic"), reply


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(b"basic YXBwX2lkOmFwcF9zZWNyZXQ=", id="lower-case-scheme"),
        pytest.param(b"BASIC YXBwX2lkOmFwcF9zZWNyZXQ=", id="upper-case-scheme"),
        pytest.param(b"Basic   YXBwX2lkOmFwcF9zZWNyZXQ=", id="several-spaces"),
    ],
)
def test_the_basic_scheme_is_case_insensitive(server: Server, authorization: bytes) -> None:
    # RFC 9110 11.1: the scheme is case-insensitive; cowboy's parser agrees.
    reply = server.get(b"/clients/client_1", auth=authorization)
    assert reply.status == 200 and reply.json()["clientid"] == "client_1", reply


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(CREDENTIALS, id="same-twice"),
        pytest.param(b"Basic " + b64(b"other:wrong"), id="valid-then-wrong"),
        pytest.param(b"Bearer x", id="valid-then-bearer"),
    ],
)
@pytest.mark.parametrize("order", ["valid-first", "valid-second"])
def test_two_authorization_headers_are_refused(server: Server, second: bytes, order: str) -> None:
    # Authorization is not a list header (RFC 9110 5.3): two of them are ambiguous, so the request is refused,
    # whichever of them the server reads; it must never be let in on the strength of one of the two.
    first, then = (CREDENTIALS, second) if order == "valid-first" else (second, CREDENTIALS)
    reply = server.get(b"/clients/client_1", auth=first, headers=[b"Authorization: " + then])
    assert reply.status in (400, 401), reply
    assert_error(reply, reply.status, "BAD_REQUEST", "AUTHORIZATION_HEADER_ERROR", "BAD_API_KEY_OR_SECRET")


# --- a "/" and other reserved characters in a clientid --------------------------------------------------------


@pytest.mark.parametrize("escape", [b"%2F", b"%2f"])
@pytest.mark.parametrize(
    ("method", "suffix", "body", "status"),
    [
        pytest.param(b"GET", b"", None, 200, id="get"),
        pytest.param(b"POST", b"/subscribe", b'{"topic": "t/a", "qos": 1}', 200, id="subscribe"),
        pytest.param(b"POST", b"/unsubscribe", b'{"topic": "t/a"}', 204, id="unsubscribe"),
        pytest.param(b"POST", b"/subscribe/bulk", b'[{"topic": "t/a", "qos": 1}]', 200, id="bulk-subscribe"),
        pytest.param(b"POST", b"/unsubscribe/bulk", b'[{"topic": "t/a"}]', 204, id="bulk-unsubscribe"),
    ],
)
def test_an_escaped_slash_is_part_of_the_clientid(
    odd: Server, escape: bytes, method: bytes, suffix: bytes, body: bytes | None, status: int
) -> None:
    reply = odd.send(method, b"/clients/a" + escape + b"b" + suffix, body=body, headers=[JSON] if body else [])
    assert reply.status == status, reply
    if status == 200:
        answered = reply.json()
        for item in answered if isinstance(answered, list) else [answered]:
            assert item["clientid"] == "a/b", reply


@pytest.mark.parametrize("escape", [b"%2F", b"%2f"])
def test_kicking_a_client_with_a_slash(fresh: Callable[..., Server], tmp_path: Path, escape: bytes) -> None:
    sim = fresh(scenario=odd_scenario(tmp_path), clients=None)
    assert sim.send(b"DELETE", b"/clients/a" + escape + b"b").status == 204
    assert_error(sim.get(b"/clients/a" + escape + b"b"), 404, "CLIENTID_NOT_FOUND")
    assert sim.get(b"/clients/a%20b").status == 200  # only that client is gone


def test_a_subscription_lands_on_the_client_with_the_slash(odd: Server) -> None:
    looked_up = odd.get(b"/clients/a%2Fb")
    assert looked_up.status == 200, looked_up
    before = looked_up.json()["subscriptions_cnt"]
    subscribed = odd.post(b"/clients/a%2Fb/subscribe", b'{"topic": "slash/lands/here"}')
    assert subscribed.status == 200, subscribed
    assert odd.get(b"/clients/a%2Fb").json()["subscriptions_cnt"] == before + 1
    assert odd.post(b"/clients/a%2Fb/unsubscribe", b'{"topic": "slash/lands/here"}').status == 204


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param(b"GET", b"/clients/a/b", None, id="get"),
        pytest.param(b"DELETE", b"/clients/a/b", None, id="kick"),
        pytest.param(b"POST", b"/clients/a/b/subscribe", b'{"topic": "t/a"}', id="subscribe"),
    ],
)
def test_an_unescaped_slash_is_no_route(odd: Server, method: bytes, path: bytes, body: bytes | None) -> None:
    assert_error(odd.send(method, path, body=body, headers=[JSON] if body else []), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("segment", "clientid"),
    [
        pytest.param(b"a%20b", "a b", id="space"),
        pytest.param(b"a+b", "a+b", id="plus-is-a-plus-in-a-path"),
        pytest.param(b"a%2Bb", "a+b", id="escaped-plus"),
        pytest.param(b"a%3Fb", "a?b", id="question-mark"),
        pytest.param(b"a%23b", "a#b", id="hash"),
        pytest.param(b"a%252Fb", "a%2Fb", id="escaped-percent-not-decoded-twice"),
        pytest.param(b"a%25", "a%", id="escaped-percent-at-end"),
        pytest.param(b"a;b", "a;b", id="semicolon-is-no-path-parameter"),
        pytest.param(b"a%5Cb", "a\\b", id="backslash"),
        pytest.param(b"%2E%2E%2Fb", "../b", id="escaped-dot-dot-inside-a-segment"),
        pytest.param(b"%C3%A9", "é", id="utf-8"),
    ],
)
def test_reserved_characters_in_a_clientid(odd: Server, segment: bytes, clientid: str) -> None:
    reply = odd.get(b"/clients/" + segment)
    assert reply.status == 200 and reply.json()["clientid"] == clientid, reply


@pytest.mark.parametrize(
    ("query", "clientid"),
    [
        pytest.param(b"a%2Fb", "a/b", id="slash"),
        pytest.param(b"a+b", "a b", id="plus-is-a-space-in-a-query"),
        pytest.param(b"a%2Bb", "a+b", id="escaped-plus"),
        pytest.param(b"a%26b", None, id="escaped-ampersand"),
    ],
)
def test_reserved_characters_in_a_clientid_filter(odd: Server, query: bytes, clientid: str | None) -> None:
    reply = odd.get(b"/clients?clientid=" + query)
    assert reply.status == 200, reply
    assert [item["clientid"] for item in reply.json()["data"]] == ([clientid] if clientid else []), reply


# --- JSON edge cases in subscription bodies -------------------------------------------------------------------

BROKEN_ITEMS = [
    # JSON has no NaN or infinities (RFC 8259 6); jiffy, EMQX's parser, refuses them.
    pytest.param(b'{"topic": "t/a", "qos": NaN}', ("BAD_REQUEST",), id="qos-nan"),
    pytest.param(b'{"topic": "t/a", "qos": Infinity}', ("BAD_REQUEST",), id="qos-infinity"),
    pytest.param(b'{"topic": "t/a", "qos": -Infinity}', ("BAD_REQUEST",), id="qos-minus-infinity"),
    pytest.param(b'{"topic": "t/a", "qos": 1e400}', ("BAD_REQUEST",), id="qos-1e400"),
    pytest.param(b'{"topic": "t/a", "qos": 1' + b"0" * 400 + b"}", ("BAD_REQUEST",), id="qos-401-digits"),
    pytest.param(b'{"topic": "t/a", "qos": 1' + b"0" * 5000 + b"}", ("BAD_REQUEST",), id="qos-5001-digits"),
    pytest.param(b'{"topic": "t/a", "qos": -1}', ("BAD_REQUEST",), id="qos-negative"),
    pytest.param(b'{"topic": "t/a", "qos": true}', ("BAD_REQUEST",), id="qos-boolean"),
    pytest.param(b'{"topic": "t/a", "qos": null}', ("BAD_REQUEST",), id="qos-null"),
    pytest.param(
        b'{"topic": "t/a", "qos": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ("BAD_REQUEST",), id="qos-nested-100000"
    ),
    pytest.param(b'{"topic": null}', ("BAD_REQUEST",), id="topic-null"),
    pytest.param(b'{"topic": ["t/a"]}', ("BAD_REQUEST",), id="topic-array"),
    pytest.param(b'{"topic": ""}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="topic-empty"),
    pytest.param(b'{"topic": "\\ud800"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="lone-high-surrogate"),
    pytest.param(b'{"topic": "\\udc00"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="lone-low-surrogate"),
    pytest.param(b'{"topic": "t/\\ud800/x"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="surrogate-in-level"),
    pytest.param(b'{"topic": "\\ud800\\u0041"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="high-then-letter"),
    pytest.param(b'{"topic": "t/\\u0000"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="escaped-nul"),
    pytest.param(b'{"topic": "\xff"}', ("BAD_REQUEST",), id="invalid-utf8"),
    pytest.param(b'{"topic": "\xc0\xaf"}', ("BAD_REQUEST",), id="overlong-utf8"),
    pytest.param(b'{"topic": "\xed\xa0\x80"}', ("BAD_REQUEST",), id="utf8-encoded-surrogate"),
    pytest.param(b'{"topic": "t/a\x01"}', ("BAD_REQUEST",), id="raw-control-character"),
    pytest.param(b'{"topic": "' + b"a" * 65536 + b'"}', ("BAD_REQUEST", "INVALID_PARAMETER"), id="topic-64-KiB"),
]
"""Subscription items that must be refused with 400 (the code allowed for each), alone and in a bulk list."""


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
@pytest.mark.parametrize(("item", "codes"), BROKEN_ITEMS)
def test_broken_subscription_items_are_400(server: Server, item: bytes, codes: tuple[str, ...], bulk: bool) -> None:
    path, body = (BULK_SUBSCRIBE, b'[{"topic": "t/ok"}, ' + item + b"]") if bulk else (SUBSCRIBE, item)
    assert_error(server.post(path, body), 400, *codes)


BROKEN_DOCUMENTS = [
    pytest.param(b"", id="empty"),
    pytest.param(b" \r\n\t", id="whitespace"),
    pytest.param(b"null", id="null"),
    pytest.param(b'"t/a"', id="bare-string"),
    pytest.param(b"1", id="bare-number"),
    pytest.param(b"true", id="bare-true"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-arrays-100000"),
    pytest.param(b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, id="nested-objects-100000"),
    # RFC 8259 8.1: a sender must not add a BOM, a parser may ignore it; jiffy (EMQX) refuses it, and so do we.
    pytest.param(b'\xef\xbb\xbf{"topic": "t/a"}', id="utf8-bom"),
    pytest.param('{"topic": "t/a"}'.encode("utf-16"), id="utf-16"),
    pytest.param(b'{"topic": "t/a"} x', id="trailing-garbage"),
    pytest.param(b'{"topic": "t/a"}{"topic": "t/b"}', id="two-documents"),
    pytest.param(b'{"topic": "t/a"}\x00', id="trailing-nul"),
    pytest.param(b"{'topic': 't/a'}", id="single-quotes"),
    pytest.param(b'{"topic": "t/a",}', id="trailing-comma"),
    pytest.param(b'{"topic": "t/a" /* why */}', id="comment"),
    pytest.param(b'{"topic": "t/a"', id="truncated"),
    pytest.param(b"\xff\xfe\xfd", id="binary"),
]
"""Bodies that are not one usable JSON document of the right shape, for every endpoint: 400 BAD_REQUEST."""


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
@pytest.mark.parametrize("body", BROKEN_DOCUMENTS)
def test_broken_json_documents_are_400(server: Server, method: bytes, path: bytes, body: bytes) -> None:
    assert_error(server.send(method, path, body=body, headers=[JSON]), 400, "BAD_REQUEST")


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
def test_no_body_at_all_is_400(server: Server, method: bytes, path: bytes) -> None:
    # Declared as JSON, but neither Content-Length nor Transfer-Encoding: an empty body (RFC 9112 6.3).
    assert_error(server.send(method, path, headers=[JSON]), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    ("body", "topic", "qos"),
    [
        # RFC 8259 4: names should be unique, and "many implementations report the last name/value pair only";
        # so do JSON.parse (what a dashboard sends from) and Python. jiffy does not refuse duplicates either.
        pytest.param(b'{"topic": "t/a", "topic": "t/b"}', "t/b", 0, id="duplicate-topic-last-wins"),
        pytest.param(b'{"topic": "t/a", "qos": 2, "qos": 1}', "t/a", 1, id="duplicate-qos-last-wins"),
        pytest.param(b'{"topic": "\\ud83d\\ude00"}', "\U0001f600", 0, id="surrogate-pair"),
        pytest.param('{"topic": "\U0001f600/é"}'.encode(), "\U0001f600/é", 0, id="raw-utf8"),
        pytest.param(b'{"topic": "t\\/a"}', "t/a", 0, id="escaped-solidus"),
        pytest.param(b'{"topic": "\\u0074/a"}', "t/a", 0, id="unicode-escape"),
        pytest.param(b' \r\n\t{"topic": "t/a"}\r\n ', "t/a", 0, id="surrounding-whitespace"),
        pytest.param(b'{"topic": "t/a", "qos": 1, "nl": 0, "rap": 0, "rh": 0}', "t/a", 1, id="every-option"),
    ],
)
def test_unusual_but_valid_json_is_accepted(server: Server, body: bytes, topic: str, qos: int) -> None:
    assert_echo(server.post(SUBSCRIBE, body), topic=topic, qos=qos)


def test_duplicate_keys_in_a_bulk_item(server: Server) -> None:
    reply = server.post(BULK_SUBSCRIBE, b'[{"topic": "t/a", "topic": "t/b", "qos": 1}]')
    assert reply.status == 200 and [(e["topic"], e["qos"]) for e in reply.json()] == [("t/b", 1)], reply


# --- paths ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        # An empty segment is a segment (cowboy keeps it): no route has one.
        pytest.param(b"//clients", id="double-slash"),
        pytest.param(b"/clients//client_1", id="double-slash-before-clientid"),
        pytest.param(b"/Clients", id="case"),
        pytest.param(b"/clients/client_1/subscribe/bulk/more", id="deeper"),
    ],
)
def test_paths_that_are_no_route_are_404(server: Server, path: bytes) -> None:
    assert_error(server.get(path), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("path", "clientid"),
    [
        # EMQX's cowboy (2.0 and later) decodes each segment, then removes dot segments (RFC 3986 5.2.4); an
        # escaped "/" stays inside its segment. So "%2E%2E" is "..", and the clientids "." and ".." cannot be named
        # in a path, on EMQX as here.
        pytest.param(b"/clients/../clients", None, id="dot-dot-then-collection"),
        pytest.param(b"/./clients", None, id="dot-before-collection"),
        pytest.param(b"/clients/.", None, id="trailing-dot"),
        pytest.param(b"/clients/%2E", None, id="escaped-dot"),
        pytest.param(b"/clients/x/../a%2Fb", "a/b", id="dot-dot-then-escaped-slash"),
        pytest.param(b"/clients/./a%2Fb", "a/b", id="dot-then-escaped-slash"),
        pytest.param(b"/%63lients", None, id="escaped-letter"),
    ],
)
def test_dot_segments_are_resolved_as_emqx_does(odd: Server, path: bytes, clientid: str | None) -> None:
    reply = odd.get(path)
    assert reply.status == 200, reply
    body = reply.json()
    if clientid is None:  # the collection
        assert "a/b" in [item["clientid"] for item in body.get("data", [])], reply
    else:
        assert body.get("clientid") == clientid, reply


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(b"/clients/..", id="dot-dot-is-not-a-clientid"),
        pytest.param(b"/clients/%2E%2E", id="escaped-dot-dot-is-not-a-clientid"),
        pytest.param(b"/../../../../etc/passwd", id="above-the-root"),
        pytest.param(b"/clients/%2E%2E/%2E%2E/%2E%2E/etc/passwd", id="escaped-above-the-root"),
    ],
)
def test_dot_segments_leave_no_route(odd: Server, path: bytes) -> None:
    reply = odd.get(path)
    assert_error(reply, 404, "NOT_FOUND")
    assert b"root:" not in reply.body, reply


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        pytest.param(b"/clients/", b"/api/v5/clients", id="list"),
        pytest.param(b"/clients/client_1/", b"/api/v5/clients/client_1", id="client"),
    ],
)
def test_a_trailing_slash(server: Server, path: bytes, canonical: bytes) -> None:
    # Either served as without the slash, redirected there, or 404; never a 5xx.
    reply = server.get(path)
    if reply.status in (301, 307, 308):
        assert reply.headers["location"].endswith(canonical.decode()), reply
    elif reply.status != 200:
        assert_error(reply, 404, "NOT_FOUND", "CLIENTID_NOT_FOUND")


def test_kicking_client_1_with_an_escaped_slash_kicks_no_one(fresh: Callable[..., Server]) -> None:
    # The clientid is "client_1/", which does not exist: client_1 must stay.
    sim = fresh()
    assert_error(sim.send(b"DELETE", b"/clients/client_1%2F"), 404, "CLIENTID_NOT_FOUND")
    assert sim.get(b"/clients/client_1").status == 200, "client_1 was kicked by a request for 'client_1/'"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param(b"GET", b"/clients/client_1%2Fsubscribe", id="get"),
        pytest.param(b"DELETE", b"/clients/client_1%2Fsubscribe", id="kick"),
    ],
)
def test_an_escaped_slash_never_reaches_another_route(server: Server, method: bytes, path: bytes) -> None:
    # The clientid is "client_1/subscribe", which does not exist; the subscribe route must not answer.
    assert_error(server.send(method, path), 404, "CLIENTID_NOT_FOUND")


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param(b"a%00b", id="nul"),
        pytest.param(b"%00", id="only-nul"),
        pytest.param(b"client_1%00", id="nul-after-a-real-clientid"),
        pytest.param(b"%zz", id="invalid-escape"),
        pytest.param(b"%", id="lone-percent"),
        pytest.param(b"%f", id="short-escape"),
        pytest.param(b"%ff", id="non-utf8-escape"),
        pytest.param(b"%C3", id="truncated-utf8-escape"),
        pytest.param(b"%C0%AF", id="overlong-utf8-escape"),
        pytest.param(b"%ED%A0%80", id="surrogate-escape"),
        pytest.param(b"x" * 1025, id="1025-characters"),
        pytest.param(b"x" * 10240, id="10-KB"),
        pytest.param(b"%E2%80%AE" * 4, id="bidi-override"),
    ],
)
@pytest.mark.parametrize("suffix", [b"", b"/subscribe"], ids=["get", "subscribe"])
def test_unusable_clientids_are_404_or_400(server: Server, segment: bytes, suffix: bytes) -> None:
    path = b"/clients/" + segment + suffix
    reply = server.post(path, b'{"topic": "t/a"}') if suffix else server.get(path)
    assert reply.status in (400, 404), reply
    assert_error(reply, reply.status, "CLIENTID_NOT_FOUND", "BAD_REQUEST", "INVALID_PARAMETER")


def test_a_clientid_of_1024_characters_is_looked_up(server: Server) -> None:
    assert_error(server.get(b"/clients/" + b"x" * 1024), 404, "CLIENTID_NOT_FOUND")


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param(b"\xc3\xa9", id="raw-utf8"),
        pytest.param(b"\xff", id="raw-non-utf8"),
        pytest.param(b"a b", id="raw-space"),
        pytest.param(b"a\tb", id="raw-tab"),
        pytest.param(b"a\x00b", id="raw-nul"),
        pytest.param(b"x" * 102400, id="100-KB"),
    ],
)
def test_raw_bytes_in_a_path(server: Server, segment: bytes) -> None:
    # Not valid in a request-target (RFC 3986): uvicorn's parser may refuse them; if the app sees the request,
    # it is an unknown client.
    reply = server.get(b"/clients/" + segment)
    if not refused_by_parser(reply):
        assert reply.status in (400, 404, 414), reply
        assert_error(reply, reply.status)


def test_absolute_form_request_target(server: Server) -> None:
    # RFC 9112 3.2.2: a server must accept the absolute form.
    reply = server.get(b"/clients/client_1", base=b"http://127.0.0.1" + API)
    assert reply.status == 200 and reply.json()["clientid"] == "client_1", reply


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"GET api/v5/clients HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", id="no-leading-slash"),
        pytest.param(b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", id="asterisk-form"),
        pytest.param(b"GET /api/v5/clients HTTP/9.9\r\nHost: x\r\n\r\n", id="http-9.9"),
        pytest.param(b"GET /api/v5/clients\r\n\r\n", id="http-0.9"),
        pytest.param(b"HELLO\r\n\r\n", id="not-http"),
        pytest.param(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", id="http2-preface"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, id="tls-hello"),
        pytest.param(
            b"GET /api/v5/clients HTTP/1.1\r\nHost: x\r\nBad Name: x\r\nConnection: close\r\n\r\n",
            id="space-in-header-name",
        ),
        pytest.param(
            b"GET /api/v5/clients HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\nConnection: close\r\n\r\n", id="obs-fold"
        ),
        pytest.param(b"GET /api/v5/clients HTTP/1.1\nHost: x\nConnection: close\n\n", id="bare-newlines"),
    ],
)
def test_malformed_http(server: Server, raw: bytes) -> None:
    # Mostly refused by uvicorn's parser; whatever reaches the app is answered like any request.
    assert_answered(server.exchange(raw), parser_may_refuse=True)


def test_http_1_0_without_host(server: Server) -> None:
    raw = b"GET /api/v5/clients/client_1 HTTP/1.0\r\nAuthorization: " + CREDENTIALS + b"\r\n\r\n"
    reply = server.exchange(raw)
    assert reply.status == 200 and reply.json()["clientid"] == "client_1", reply


# --- query strings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param(b"_limit=%00", "BAD_REQUEST", id="limit-nul"),
        pytest.param(b"_limit=", "BAD_REQUEST", id="limit-empty"),
        pytest.param(b"_limit", "BAD_REQUEST", id="key-without-equals"),
        pytest.param(b"_limit=1;_page=2", "BAD_REQUEST", id="semicolon-is-no-separator"),
        pytest.param(b"_limit=%ff", "BAD_REQUEST", id="limit-non-utf8"),
        pytest.param(b"_limit=1e2", "BAD_REQUEST", id="limit-exponent"),
        pytest.param(b"_limit=0x10", "BAD_REQUEST", id="limit-hex"),
        pytest.param(b"_limit=1.5", "BAD_REQUEST", id="limit-fraction"),
        pytest.param(b"_limit=-1", "BAD_REQUEST", id="limit-negative"),
        pytest.param(b"_limit=" + b"9" * 5000, "BAD_REQUEST", id="limit-5000-digits"),
        pytest.param(b"_like_clientid=" + b"a" * 10240, "BAD_REQUEST", id="10-KB-value"),
        pytest.param(b"&".join(b"_limit=%d" % n for n in range(1, 1001)), "BAD_REQUEST", id="1000-pairs"),
        pytest.param(b"_page=99999999999999999999", "BAD_REQUEST", id="page-20-digits"),
        pytest.param(b"_page=2147483648", "BAD_REQUEST", id="page-over-int32"),
        pytest.param(b"_gte_connected_at=99999999999999999999999", "BAD_REQUEST", id="time-23-digits"),
        pytest.param(b"conn_state=%E2%80%AE", "BAD_REQUEST", id="enum-bidi-override"),
        pytest.param(b"%ff=1", "BAD_REQUEST", id="non-utf8-name"),
        pytest.param(b"ip_address=%ff", "INVALID_PARAMETER", id="ip-non-utf8"),
        pytest.param(b"proto_ver=%00", "INVALID_PARAMETER", id="proto-ver-nul"),
    ],
)
def test_unusable_query_values_are_400(server: Server, query: bytes, code: str) -> None:
    assert_error(server.get(b"/clients?" + query), 400, code)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(b"clientid=%ff", id="clientid-non-utf8"),
        pytest.param(b"clientid=a%00b", id="clientid-nul"),
        pytest.param(b"username=%C0%AF", id="username-overlong-utf8"),
        pytest.param(b"_like_clientid=%ED%A0%80", id="like-surrogate-escape"),
    ],
)
def test_unmatchable_filters_find_nothing_or_are_400(server: Server, query: bytes) -> None:
    # EMQX compares the raw bytes and finds no client (200, empty); refusing bytes that are not UTF-8 is fine too.
    reply = server.get(b"/clients?" + query)
    if reply.status == 200:
        assert reply.json()["data"] == [], reply
    else:
        assert_error(reply, 400, "BAD_REQUEST", "INVALID_PARAMETER")


@pytest.mark.parametrize(
    ("query", "count"),
    [
        pytest.param(b"_limit=%31%30", 10, id="escaped-digits"),
        pytest.param(b"_page=2147483647", 0, id="last-page-number"),
        pytest.param(b"", 100, id="empty-query"),
    ],
)
def test_unusual_but_valid_queries(server: Server, query: bytes, count: int) -> None:
    reply = server.get(b"/clients?" + query)
    assert reply.status == 200 and len(reply.json()["data"]) == count, reply


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(b"_like_clientid=" + b"a" * 102400, id="100-KB-value"),
        pytest.param(b"&".join(b"_limit=%d" % n for n in range(20000)), id="20000-pairs"),
        pytest.param(b"&&&", id="empty-pairs"),
        pytest.param(b"=1", id="empty-name"),
        pytest.param(b"_limit=1#fragment", id="fragment"),
    ],
)
def test_odd_query_strings_are_answered(server: Server, query: bytes) -> None:
    # 200 or an EMQX 400 (too long, unknown or repeated parameter); uvicorn's parser refuses the longest ones.
    reply = server.get(b"/clients?" + query)
    assert_answered(reply, parser_may_refuse=True)
    assert reply.status in (200, 400, 414, 431), reply


# --- headers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_length",
    [
        pytest.param(b"abc", id="letters"),
        pytest.param(b"-1", id="negative"),
        pytest.param(b"+16", id="plus-sign"),
        pytest.param(b"0x10", id="hex"),
        pytest.param(b"16, 16", id="list"),
        pytest.param(b"1" * 40, id="40-digits"),
    ],
)
def test_a_content_length_that_is_not_a_number(server: Server, content_length: bytes) -> None:
    # uvicorn's parser refuses most of these itself; what reaches the app is a 400 or a 413, never a 5xx.
    raw = request(b"POST", SUBSCRIBE, headers=[JSON, b"Content-Length: " + content_length]) + b'{"topic": "t/a"}'
    reply = server.exchange(raw)
    assert_answered(reply, parser_may_refuse=True)
    assert reply.status in (400, 413), reply


def test_content_length_and_chunked_together(server: Server) -> None:
    # A request-smuggling shape (RFC 9112 6.3): refused, or read as chunked; never a 5xx.
    body = chunked(b'{"topic": "t/a", "qos": 1}', 8)
    reply = server.post(SUBSCRIBE, body, JSON, CHUNKED, b"Content-Length: 5", length=False)
    assert_answered(reply, parser_may_refuse=True)
    if reply.status == 200:
        assert_echo(reply)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b"X-Filler: " + b"a" * 102400, id="100-KB-value"),
        pytest.param(b"\r\n".join(b"X-H%d: v" % n for n in range(1000)), id="1000-headers"),
        pytest.param(b"X-Note: \xc3\xa9\xff\x80", id="non-ascii-value"),
        pytest.param(b"X-Note: a\x00b", id="nul-in-value"),
        pytest.param(b"X-\xff: v", id="non-ascii-name"),
    ],
)
def test_odd_headers_are_answered(server: Server, header: bytes) -> None:
    # An unrelated header changes nothing: 200, unless uvicorn's parser (or a size limit, 431) refuses it.
    reply = server.get(b"/clients/client_1", headers=[header])
    assert_answered(reply, parser_may_refuse=True)
    if reply.status == 200:
        assert reply.json()["clientid"] == "client_1", reply
    else:
        assert reply.status in (400, 431), reply


@pytest.mark.parametrize(
    "prefer",
    [
        pytest.param(b"code=abc", id="code-not-a-number"),
        pytest.param(b"code=200", id="code-200"),
        pytest.param(b"code=999", id="code-999"),
        pytest.param(b"code=" + b"9" * 5000, id="code-5000-digits"),
        pytest.param(b"code=", id="code-empty"),
        pytest.param(b"delay=abc", id="delay-not-a-number"),
        pytest.param(b"delay=-1", id="delay-negative"),
        pytest.param(b"delay=1e3", id="delay-exponent"),
        pytest.param(b"=,;,;", id="punctuation"),
        pytest.param(b"\xff\xfe", id="non-ascii"),
        pytest.param(b"code=503" + b" " * 1000 + b"x", id="code-then-junk"),
    ],
)
def test_unusable_preferences_are_ignored(server: Server, prefer: bytes) -> None:
    # RFC 7240 2: a preference the server cannot honour is ignored, not an error.
    reply = server.get(b"/clients/client_1", headers=[b"Prefer: " + prefer])
    assert reply.status == 200 and reply.json()["clientid"] == "client_1", reply


def test_a_delay_over_the_maximum_does_not_hold_the_answer(fresh: Callable[..., Server]) -> None:
    # The contract allows delays up to 60000 ms. A larger one cannot be honoured, so (RFC 7240 2) it is ignored
    # like an unusable code, and the answer comes at once; it must never hold a connection for ~3 years.
    sim = fresh()
    started = time.monotonic()
    reply = sim.get(b"/clients/client_1", headers=[b"Prefer: delay=99999999999"])
    assert reply.status == 200 and time.monotonic() - started < TIMEOUT, reply


def test_a_forced_client_error_is_an_emqx_error(server: Server) -> None:
    assert_error(server.get(b"/clients/client_1", headers=[b"Prefer: code=429"]), 429, "TOO_MANY_REQUESTS")


@pytest.mark.parametrize("path", [b"/clients?_limit=1", b"/clients/client_1"], ids=["list", "get"])
def test_origin_null(server: Server, path: bytes) -> None:
    # Sandboxed iframes and file:// pages send "Origin: null"; with every origin allowed it is answered as any.
    reply = server.get(path, headers=[b"Origin: null"])
    assert reply.status == 200, reply
    assert reply.headers.get("access-control-allow-origin") in ("*", "null"), reply


def test_origin_null_preflight(server: Server) -> None:
    reply = server.send(b"OPTIONS", SUBSCRIBE, auth=None, headers=[b"Origin: null",
                        b"Access-Control-Request-Method: POST"])  # fmt: skip
    assert reply.status in (200, 204), reply
    assert reply.headers.get("access-control-allow-origin") in ("*", "null"), reply


# --- methods --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        pytest.param(b"/clients", {"GET"}, id="clients"),
        pytest.param(b"/clients/client_1", {"GET", "DELETE"}, id="client"),
        pytest.param(b"/_sim/clock", {"GET", "PUT"}, id="sim-clock"),
    ],
)
@pytest.mark.parametrize("method", [b"PATCH", b"TRACE", b"PROPFIND", b"FOO", b"get"])
def test_unsupported_methods_are_405_with_allow(server: Server, method: bytes, path: bytes, allowed: set[str]) -> None:
    # Unknown or lower-case methods may be refused by uvicorn's parser (400) or by the app (400 or 405); never a
    # 5xx (not even 501). TRACE must not echo the request and its credentials back.
    reply = server.send(method, path)
    assert CREDENTIALS not in reply.body, reply
    if refused_by_parser(reply):
        return
    if reply.status == 405:
        assert_error(reply, 405, "METHOD_NOT_ALLOWED")
        assert {name.strip() for name in reply.headers.get("allow", "").split(",")} == allowed, reply
    else:
        assert_error(reply, 400, "BAD_REQUEST")


def test_head_is_get_without_a_body_or_405(server: Server) -> None:
    reply = server.send(b"HEAD", b"/clients/client_1")
    assert reply.status in (200, 405), reply
    if reply.status == 405:
        assert "GET" in reply.headers.get("allow", ""), reply


# --- the control API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        pytest.param(b'{"seconds": NaN}', ("BAD_REQUEST",), id="nan"),
        pytest.param(b'{"seconds": 1e400}', ("BAD_REQUEST",), id="1e400"),
        pytest.param(b'{"seconds": 1' + b"0" * 400 + b"}", ("BAD_REQUEST",), id="401-digits"),
        pytest.param(b'{"seconds": -1}', ("BAD_REQUEST",), id="negative"),
        pytest.param(b'{"seconds": "60"}', ("BAD_REQUEST",), id="string"),
    ],
)
def test_control_bodies_out_of_range_are_400(server: Server, body: bytes, codes: tuple[str, ...]) -> None:
    assert_error(server.post(b"/_sim/clock/advance", body), 400, *codes)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"scenario": "a\\u0000b"}', id="nul"),
        pytest.param(b'{"scenario": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"scenario": ".."}', id="dot-dot"),
        pytest.param(b'{"scenario": "../../../../etc/passwd"}', id="traversal"),
        pytest.param(b'{"scenario": "/etc/passwd"}', id="absolute-path"),
        pytest.param(b'{"scenario": "..\\\\..\\\\etc"}', id="backslashes"),
        pytest.param(b'{"scenario": "default", "seed": 1' + b"0" * 400 + b"}", id="seed-401-digits"),
        pytest.param(b'{"scenario": "default", "clients": 1e400}', id="clients-1e400"),
    ],
)
def test_unusable_scenarios_change_nothing(fresh: Callable[..., Server], body: bytes) -> None:
    sim = fresh()
    before = sim.get(b"/_sim/status").body
    reply = sim.post(b"/_sim/regenerate", body)
    assert reply.status in (400, 404), reply
    assert_error(reply, reply.status, "BAD_REQUEST", "INVALID_PARAMETER", "NOT_FOUND")
    assert b"root:" not in reply.body, reply
    assert sim.get(b"/_sim/status").body == before


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(b"/_sim/faults/%00", id="nul"),
        pytest.param(b"/_sim/faults/fault-1%2Fx", id="escaped-slash"),
        pytest.param(b"/_sim/faults/%ff", id="non-utf8"),
        pytest.param(b"/_sim/faults/" + b"x" * 10240, id="10-KB"),
    ],
)
def test_unusable_fault_ids(server: Server, path: bytes) -> None:
    reply = server.send(b"DELETE", path)
    assert reply.status in (400, 404), reply
    assert_error(reply, reply.status, "BAD_REQUEST", "NOT_FOUND")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(b"limit=%ff", id="limit-non-utf8"),
        pytest.param(b"limit=%00", id="limit-nul"),
        pytest.param(b"status=99999999999999999999", id="status-20-digits"),
        pytest.param(b"operationId=" + b"x" * 1000, id="operation-too-long"),
    ],
)
def test_unusable_journal_queries_are_400(server: Server, query: bytes) -> None:
    assert_error(server.get(b"/_sim/journal?" + query), 400, "BAD_REQUEST")
