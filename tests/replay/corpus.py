"""The replay corpus: raw HTTP requests to both APIs, in sequences that each start from a fresh simulator.

Every sequence runs against `create_app(make_config(**overrides))` (seed 7, 300 clients, clock frozen at
2023-09-15T09:36:20Z, responses validated), its requests in order. A request is sent with `Host` first, then
the default `Authorization` (unless it has none or its own), its own headers, and `Content-Length` (or
`Transfer-Encoding: chunked`) when it has a body. Ids are unique over the whole corpus.

Some requests are here because their answer is a bug today (ids ending in `-bug`); they are recorded as they
are, so that fixing them shows up as a change.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

API = "/api/v5"
SIM = f"{API}/_sim"
HOST = b"127.0.0.1:18083"
Header = tuple[bytes, bytes]


def basic(credentials: bytes) -> bytes:
    """An `Authorization: Basic` value for `user:password` bytes."""
    return b"Basic " + base64.b64encode(credentials)


AUTH = basic(b"app_id:app_secret")


@dataclass(frozen=True, slots=True)
class Request:
    """One request: `target` is the path and query exactly as sent (ASCII, percent-escapes kept)."""

    id: str
    method: str
    target: str
    headers: tuple[Header, ...] = ()
    body: bytes | None = None
    auth: bytes | None = AUTH
    """The `Authorization` value sent unless `headers` has one; None sends none."""
    chunked: bool = False
    """Send the body with `Transfer-Encoding: chunked`, in several messages."""


@dataclass(frozen=True, slots=True)
class Sequence:
    """Requests answered in order by one fresh app, built with these `make_config` overrides."""

    name: str
    requests: tuple[Request, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)


NO_BODY: Any = object()
CT = b"content-type"
JSON = (CT, b"application/json")
PREFER = b"prefer"
ORIGIN = b"origin"


def call(
    id: str, method: str, target: str, doc: Any = NO_BODY, *, headers: tuple[Header, ...] = (), **options: Any
) -> Request:
    """A request; `doc` is sent as a JSON body with `Content-Type: application/json`."""
    if doc is not NO_BODY:
        headers = (JSON, *headers)
        options["body"] = json.dumps(doc).encode()
    return Request(id, method, target, headers, **options)


def get(id: str, target: str, **options: Any) -> Request:
    return call(id, "GET", target, **options)


def delete(id: str, target: str, **options: Any) -> Request:
    return call(id, "DELETE", target, **options)


def post(id: str, target: str, doc: Any = NO_BODY, **options: Any) -> Request:
    return call(id, "POST", target, doc, **options)


def put(id: str, target: str, doc: Any = NO_BODY, **options: Any) -> Request:
    return call(id, "PUT", target, doc, **options)


def raw(
    id: str,
    target: str,
    body: bytes,
    content_type: bytes | None = b"application/json",
    method: str = "POST",
    **options: Any,
) -> Request:
    """A request with exactly these body bytes (and this Content-Type, or none)."""
    headers = ((CT, content_type),) if content_type is not None else ()
    return Request(id, method, target, headers + options.pop("headers", ()), body, **options)


def seq(name: str, *requests: Request, **overrides: Any) -> Sequence:
    return Sequence(name, requests, overrides)


DEV = b"http://localhost:5173"
ALLOWED = b"http://localhost:3000"
"""The one origin allowed in the cors-restricted sequence."""
EVIL = b"http://evil.example"


def preflight(id: str, target: str, method: bytes, origin: bytes = DEV, asked: bytes | None = None) -> Request:
    """A CORS preflight (no credentials, as browsers send it); `asked` is Access-Control-Request-Headers."""
    headers: tuple[Header, ...] = ((ORIGIN, origin), (b"access-control-request-method", method))
    if asked is not None:
        headers += ((b"access-control-request-headers", asked),)
    return Request(id, "OPTIONS", target, headers, auth=None)


def from_origin(origin: bytes = DEV) -> tuple[Header, ...]:
    return ((ORIGIN, origin),)


def two_authorizations(id: str, first: bytes, second: bytes) -> Request:
    return Request(id, "GET", C1, ((b"authorization", first), (b"authorization", second)), auth=None)


C = f"{API}/clients"
C1 = f"{C}/client_1"
DOC = f"{C}/mqttx_07cb8109"
GHOST = f"{C}/ghost"
DISCONNECTED = f"{C}/winters.darrell_142"
"""Disconnected with a live session, one subscription of 100 (seed 7)."""
IDLE = f"{C}/rtrevino_276"
V6 = ("sensor-bc41b450-0aec-4aca-b7cc-66edd9c93dc0", "20f5:3f1:1ee3:76fc:d1eb:3ac5:8309:1a4")
FULL = f"{C}/zlindsey_287"
"""At its subscriptions_max (10) in the quota-edge scenario."""
BIG = b'{"topic": "' + b"a" * (1024 * 1024) + b'"}'
"""Over the 1 MiB body limit."""
DEEP = b"[" * 100_000 + b"]" * 100_000
TA = {"topic": "t/a"}
STATE = {
    "format": "emqx-sim-state/2",
    "scenario": "default",
    "spec": {"seed": 11, "clients": 20, "nodes": 2, "now_ms": 1694770580000, "documented": True,
             "protocols": [85, 8, 7], "fill_subscriptions": False, "explicit": []},
    "churn": None,
    "clock": {"now_ms": 1694770640000, "frozen": True},
    "last_tick_ms": 1694770640000,
    "removed": ["client_1"],
    "clients": [],
}  # fmt: skip
"""A valid state to import: seed 11, 20 clients on 2 nodes, client_1 gone, a minute later."""
CLIENT_1_DATA = {
    "identity": {"clientid": "client_1", "username": "aip_user1", "node": "emqx@10.0.0.1",
                 "ip_address": "115.236.21.90", "port": 13310, "listener": "tcp:default", "zone": "default",
                 "proto_name": "MQTT", "proto_ver": 5, "keepalive": 60, "clean_start": True, "expiry_interval": 0,
                 "is_bridge": False, "enable_authn": True, "is_persistent": False,
                 "peersni": "qe92461d.dev-ala.cn-hangzhou.mqttce.com", "tenant_id_from": "peersni", "cn": None,
                 "dn": None},
    "limits": {"subscriptions_max": 10, "inflight_max": 32, "mqueue_max": 1000, "awaiting_rel_max": 100},
    "traffic": {"recv_rates": [0.05, 0.0, 0.0], "send_rates": [0.0, 0.0, 0.0], "payload_bytes": 64,
                "drop_permille": 0, "inflight_cnt": 0, "mqueue_len": 0, "mqueue_dropped": 0, "awaiting_rel_cnt": 0,
                "mailbox_len": 0, "heap_size": 987, "reductions_base": 9800, "reductions_rate": 2.0},
    "state": "connected",
    "created_at_ms": 1694770280000,
    "connected_at_ms": 1694770280000,
    "disconnected_at_ms": None,
    "subscriptions": {"t/a": {"qos": 1, "nl": 0, "rap": 0, "rh": 0}},
}  # fmt: skip
"""client_1 as exported after subscribing it to t/a with QoS 1."""


def state(**changes: Any) -> dict[str, Any]:
    """STATE with client_1 kept (subscribed) and some top-level fields changed."""
    return {**STATE, "removed": [], "clients": [CLIENT_1_DATA], **changes}


def nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """state() with one nested field of client_1's data changed."""
    data: dict[str, Any] = json.loads(json.dumps(CLIENT_1_DATA))
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return state(clients=[data])


AUTH_SEQUENCE = seq(
    "auth",
    get("auth-list-no-header", C, auth=None),
    get("auth-list-bearer", C, auth=b"Bearer abc"),
    get("auth-list-basic-alone", C, auth=b"Basic"),
    get("auth-list-basic-blank-token", C, auth=b"Basic   "),
    get("auth-list-basic-not-base64", C, auth=b"Basic !!!notbase64"),
    get("auth-list-basic-no-colon", C, auth=basic(b"no-colon")),
    get("auth-list-digest", C, auth=b"Digest x=1"),
    get("auth-list-empty-header", C, auth=b""),
    get("auth-get-documents-typo-secret", C1, auth=basic(b"app_id:app_ssecret")),
    get("auth-list-unknown-app-id", C, auth=basic(b"other:app_secret")),
    get("auth-list-empty-secret", f"{C}?_limit=1", auth=basic(b"app_id:")),
    get("auth-list-secret-with-colon", f"{C}?_limit=1", auth=basic(b"app_id:app_secret:x")),
    get("auth-list-lowercase-scheme", f"{C}?_limit=1", auth=b"basic " + AUTH[6:]),
    get("auth-list-uppercase-scheme", f"{C}?_limit=1", auth=b"BASIC " + AUTH[6:]),
    get("auth-list-padded-token", f"{C}?_limit=1", auth=b"Basic    " + AUTH[6:] + b"   "),
    get("auth-list-tab-separator", f"{C}?_limit=1", auth=b"Basic\t" + AUTH[6:]),
    get("auth-list-non-ascii-header-bug", f"{C}?_limit=1", auth=b"Basic \xff\xfe"),
    get("auth-list-latin1-credentials", f"{C}?_limit=1", auth=basic("app_id:sécret".encode("latin-1"))),
    get("auth-list-utf8-credentials", f"{C}?_limit=1", auth=basic("app_id:sécret".encode())),
    two_authorizations("auth-get-two-headers-bad-first-bug", b"Bearer x", AUTH),
    two_authorizations("auth-get-two-headers-good-first", AUTH, b"Bearer x"),
    get("auth-list-credentials-before-params", f"{C}?_limit=0&bogus=1", auth=None),
    raw("auth-subscribe-credentials-before-media-type", f"{C1}/subscribe", b"{bad", b"text/plain", auth=None),
    raw("auth-subscribe-credentials-before-size", f"{C1}/subscribe", BIG, auth=None),
    get("auth-get-unknown-client", GHOST, auth=None),
    get("auth-unknown-path", f"{API}/nodes", auth=None),
    put("auth-wrong-method", C1, auth=None),
    get("auth-prefer", C1, headers=((PREFER, b"code=503"),), auth=None),
    delete("auth-kick", C1, auth=None),
    post("auth-subscribe", f"{C1}/subscribe", TA, auth=None),
    post("auth-unsubscribe", f"{C1}/unsubscribe", TA, auth=None),
    post("auth-bulk-subscribe", f"{C1}/subscribe/bulk", [TA], auth=None),
    post("auth-bulk-unsubscribe", f"{C1}/unsubscribe/bulk", [TA], auth=None),
    get("auth-sim-status", f"{SIM}/status", auth=None),
    post("auth-sim-reset", f"{SIM}/reset", auth=None),
    post("auth-sim-regenerate", f"{SIM}/regenerate", {}, auth=None),
    get("auth-sim-scenarios", f"{SIM}/scenarios", auth=None),
    get("auth-sim-get-clock", f"{SIM}/clock", auth=None),
    put("auth-sim-set-clock", f"{SIM}/clock", {"frozen": True}, auth=None),
    post("auth-sim-advance-clock", f"{SIM}/clock/advance", {"seconds": 1}, auth=None),
    get("auth-sim-list-faults", f"{SIM}/faults", auth=None),
    post("auth-sim-add-fault", f"{SIM}/faults", {"status": 503}, auth=None),
    delete("auth-sim-clear-faults", f"{SIM}/faults", auth=None),
    delete("auth-sim-remove-fault", f"{SIM}/faults/fault-1", auth=None),
    get("auth-sim-journal", f"{SIM}/journal", auth=None),
    delete("auth-sim-clear-journal", f"{SIM}/journal", auth=None),
    get("auth-sim-export-state", f"{SIM}/state", auth=None),
    put("auth-sim-import-state", f"{SIM}/state", {}, auth=None),
    get("auth-sim-status-bad-secret", f"{SIM}/status", auth=basic(b"app_id:nope")),
    get("auth-ui-open", f"{API}/ui/", auth=None),
    get("auth-spec-open", f"{API}/openapi.json", auth=None),
    get("auth-sim-ui-open", f"{SIM}/ui/", auth=None),
    get("auth-sim-spec-open", f"{SIM}/openapi.json", auth=None),
    get("auth-journal-after", f"{SIM}/journal?limit=100"),
)

CUSTOM_CREDENTIALS = seq(
    "custom-credentials",
    get("custom-credentials-list-ok", f"{C}?_limit=1", auth=basic(b"k3y:s3cr:et")),
    get("custom-credentials-default-refused", f"{C}?_limit=1"),
    get("custom-credentials-secret-cut-at-colon", f"{C}?_limit=1", auth=basic(b"k3y:s3cr")),
    get("custom-credentials-sim-status", f"{SIM}/status", auth=basic(b"k3y:s3cr:et")),
    get("custom-credentials-sim-default-refused", f"{SIM}/status"),
    app_id="k3y",
    app_secret="s3cr:et",
)

LIST = seq(
    "list",
    get("list-default-page", C),
    get("list-limit-2", f"{C}?_limit=2"),
    get("list-page-2-limit-3", f"{C}?_page=2&_limit=3"),
    get("list-limit-then-page", f"{C}?_limit=3&_page=2"),
    get("list-page-past-end", f"{C}?_page=999&_limit=5"),
    get("list-last-page", f"{C}?_page=60&_limit=5"),
    get("list-limit-max-filtered", f"{C}?_limit=10000&conn_state=idle"),
    get("list-connected", f"{C}?conn_state=connected&_limit=2"),
    get("list-idle", f"{C}?conn_state=idle&_limit=2"),
    get("list-disconnected", f"{C}?conn_state=disconnected&_limit=2"),
    get("list-clean-start-false", f"{C}?clean_start=false&_limit=2"),
    get("list-clean-start-upper-true", f"{C}?clean_start=TRUE&_limit=2"),
    get("list-proto-name-mqtt-sn", f"{C}?proto_name=MQTT-SN&_limit=2"),
    get("list-proto-ver-4", f"{C}?proto_ver=4&_limit=2"),
    get("list-proto-ver-plus-sign", f"{C}?proto_ver=%2B4&_limit=2"),
    get("list-zone-external", f"{C}?zone=external&_limit=2"),
    get("list-username", f"{C}?username=aip_user1"),
    get("list-clientid", f"{C}?clientid=client_1"),
    get("list-clientid-wrong-case", f"{C}?clientid=MQTTX_07CB8109"),
    get("list-clientid-escaped", f"{C}?clientid=client%5F1"),
    get("list-ip-v4", f"{C}?ip_address=115.236.21.86"),
    get("list-ip-v6", f"{C}?ip_address={V6[1]}"),
    get("list-ip-v6-exploded", f"{C}?ip_address=20f5:03f1:1ee3:76fc:d1eb:3ac5:8309:01a4"),
    get("list-ip-v6-escaped-colons", f"{C}?ip_address=20f5%3A3f1%3A1ee3%3A76fc%3Ad1eb%3A3ac5%3A8309%3A1a4"),
    get("list-like-clientid", f"{C}?_like_clientid=mqttx_&_limit=3"),
    get("list-like-username", f"{C}?_like_username=aip_user"),
    get("list-like-username-plus-is-space", f"{C}?_like_username=a+b&_limit=2"),
    get("list-clientid-beats-like", f"{C}?clientid=client_1&_like_clientid=zzz"),
    get("list-gte-created-seconds", f"{C}?_gte_created_at=1694766980&_limit=2"),
    get("list-gte-created-ms", f"{C}?_gte_created_at=1694766980000&_limit=2"),
    get("list-gte-created-future", f"{C}?_gte_created_at=1694770580001"),
    get("list-lte-connected", f"{C}?_lte_connected_at=1694700000&_limit=2"),
    get("list-time-window", f"{C}?_gte_connected_at=1694760000&_lte_connected_at=1694770000000&_limit=2"),
    get("list-filters-combined", f"{C}?proto_ver=5&clean_start=false&conn_state=connected&zone=default&_limit=2"),
    get("list-empty-query", f"{C}?"),
    get("list-bad-limit-zero", f"{C}?_limit=0"),
    get("list-bad-limit-over-max", f"{C}?_limit=10001"),
    get("list-bad-limit-negative", f"{C}?_limit=-1"),
    get("list-bad-limit-float", f"{C}?_limit=1.0"),
    get("list-bad-limit-empty", f"{C}?_limit="),
    get("list-bad-page-zero", f"{C}?_page=0"),
    get("list-bad-page-word", f"{C}?_page=x"),
    get("list-bad-page-exponent", f"{C}?_page=1e3"),
    get("list-bad-page-huge", f"{C}?_page=100000000000000000000"),
    get("list-page-leading-zero", f"{C}?_page=01&_limit=1"),
    get("list-bad-conn-state", f"{C}?conn_state=online"),
    get("list-bad-conn-state-empty", f"{C}?conn_state="),
    get("list-bad-clean-start-yes", f"{C}?clean_start=yes"),
    get("list-bad-clean-start-one", f"{C}?clean_start=1"),
    get("list-bad-proto-name-case", f"{C}?proto_name=mqtt"),
    get("list-bad-created-negative", f"{C}?_gte_created_at=-1"),
    get("list-bad-connected-word", f"{C}?_lte_connected_at=soon"),
    get("list-bad-connected-over-max", f"{C}?_gte_connected_at=253402300800000"),
    get("list-bad-ip-with-port", f"{C}?ip_address=127.0.0.1:8080"),
    get("list-bad-ip-word", f"{C}?ip_address=not-an-ip"),
    get("list-bad-proto-ver-word", f"{C}?proto_ver=five"),
    get("list-bad-proto-ver-float", f"{C}?proto_ver=1.5"),
    get("list-bad-unknown-param", f"{C}?page=2"),
    get("list-bad-unknown-params", f"{C}?b=1&a=2"),
    get("list-bad-unknown-empty-name", f"{C}?=x"),
    get("list-bad-duplicate-limit", f"{C}?_limit=5&_limit=6"),
    get("list-bad-duplicate-created", f"{C}?_lte_created_at=true&_lte_created_at=0"),
    get("list-bad-duplicate-same-value", f"{C}?_limit=2&_limit=2"),
    get("list-bad-clientid-too-long", f"{C}?clientid={'c' * 1025}"),
    get("list-bad-zone-too-long", f"{C}?zone={'z' * 257}"),
    get("list-escaped-param-name", f"{C}?%5Flimit=2"),
    get("list-trailing-ampersand", f"{C}?_limit=2&"),
    get("list-semicolon-separator", f"{C}?_limit=2;_page=1"),
    get("list-like-bad-escape", f"{C}?_like_clientid=%zz&_limit=2"),
    get("list-like-non-utf8-escape", f"{C}?_like_clientid=%ff&_limit=2"),
    get("list-like-nul", f"{C}?_like_clientid=%00&_limit=2"),
    get("list-like-unicode", f"{C}?_like_username=%C3%A9&_limit=2"),
    raw("list-with-a-body", C + "?_limit=1", b'{"x": 1}', method="GET"),
    call("list-head", "HEAD", f"{C}?_limit=1"),
)

LENIENT = seq(
    "lenient",
    get("lenient-unknown-and-duplicates", f"{C}?page=2&limit=5&_limit=2&_limit=3"),
    get("lenient-unknown-only", f"{C}?colour=blue&_limit=1"),
    get("lenient-duplicate-last-wins", f"{C}?_page=1&_page=2&_limit=2"),
    get("lenient-bad-value-still-refused", f"{C}?_limit=0"),
    get("lenient-bad-ip-still-refused", f"{C}?ip_address=nope"),
    get("lenient-get-with-query", f"{C1}?x=1"),
    post("lenient-subscribe-with-query", f"{C1}/subscribe?qos=1", TA),
    get("lenient-journal-unknown-param", f"{SIM}/journal?x=1&limit=5"),
    lenient=True,
)

GET = seq(
    "get",
    get("get-client-1", C1),
    get("get-documented-client", DOC),
    get("get-disconnected-client", DISCONNECTED),
    get("get-idle-client", IDLE),
    get("get-ipv6-client", f"{C}/{V6[0]}"),
    get("get-ghost", GHOST),
    get("get-wrong-case", f"{C}/CLIENT_1"),
    get("get-escaped-underscore", f"{C}/client%5F1"),
    get("get-escaped-slash-bug", f"{C}/a%2Fb"),
    get("get-escaped-space", f"{C}/a%20b"),
    get("get-escaped-unicode", f"{C}/%C3%A9t%C3%A9"),
    get("get-escaped-non-utf8", f"{C}/%FF"),
    get("get-escaped-nul", f"{C}/a%00b"),
    get("get-clientid-max-length", f"{C}/{'c' * 1024}"),
    get("get-clientid-too-long", f"{C}/{'c' * 1025}"),
    get("get-with-unknown-query", f"{C1}?x=1"),
    get("get-trailing-slash-bug", f"{C1}/"),
    get("get-empty-clientid", f"{C}/"),
    get("get-dot-segment", f"{C}/./client_1"),
    get("get-with-prefer-empty", C1, headers=((PREFER, b""),)),
)

KICK = seq(
    "kick",
    get("kick-before-count", f"{C}?_limit=1"),
    delete("kick-client-1", C1),
    get("kick-then-get-is-404", C1),
    delete("kick-again-is-404", C1),
    get("kick-then-count", f"{C}?_limit=1"),
    get("kick-then-list-by-clientid", f"{C}?clientid=client_1"),
    post("kick-then-subscribe-is-404", f"{C1}/subscribe", TA),
    post("kick-then-unsubscribe-is-404", f"{C1}/unsubscribe", TA),
    delete("kick-disconnected", DISCONNECTED),
    get("kick-disconnected-then-get", DISCONNECTED),
    delete("kick-idle", IDLE),
    get("kick-idle-then-get", IDLE),
    delete("kick-ghost", GHOST),
    delete("kick-with-query", f"{DOC}?force=true"),
    raw("kick-with-a-body", DOC, b"{}", method="DELETE"),
    delete("kick-documented", DOC),
    get("kick-documented-then-get", DOC),
    get("kick-journal", f"{SIM}/journal?operationId=kickClient"),
)

SUBSCRIBE = seq(
    "subscribe",
    post("subscribe-qos-1", f"{C1}/subscribe", {"topic": "t/a", "qos": 1}),
    get("subscribe-then-get-count-1", C1),
    post("subscribe-replaces-options", f"{C1}/subscribe", {"topic": "t/a", "qos": 2, "rap": 1, "rh": 2, "nl": 1}),
    get("subscribe-replace-then-count-still-1", C1),
    post("subscribe-shared", f"{C1}/subscribe", {"topic": "$share/g1/jobs/+", "qos": 1}),
    post("subscribe-queue", f"{C1}/subscribe", {"topic": "$queue/tasks"}),
    post("subscribe-hash-only", f"{C1}/subscribe", {"topic": "#"}),
    post("subscribe-plus-levels", f"{C1}/subscribe", {"topic": "+/+/x/#"}),
    post("subscribe-unicode-topic", f"{C1}/subscribe", {"topic": "température/é"}),
    get("subscribe-then-count-5", C1),
    post("subscribe-disconnected", f"{DISCONNECTED}/subscribe", {"topic": "fresh/topic/#"}),
    get("subscribe-disconnected-then-get", DISCONNECTED),
    post("subscribe-ghost", f"{GHOST}/subscribe", TA),
    post("subscribe-bad-hash-not-last", f"{C1}/subscribe", {"topic": "a/#/b"}),
    post("subscribe-bad-plus-not-alone", f"{C1}/subscribe", {"topic": "a/b+"}),
    post("subscribe-bad-empty-topic", f"{C1}/subscribe", {"topic": ""}),
    post("subscribe-bad-nul", f"{C1}/subscribe", {"topic": "a\u0000b"}),
    post("subscribe-bad-share-without-filter", f"{C1}/subscribe", {"topic": "$share/g"}),
    post("subscribe-bad-share-empty-group", f"{C1}/subscribe", {"topic": "$share//t"}),
    post("subscribe-bad-nested-share", f"{C1}/subscribe", {"topic": "$share/g/$share/h/t"}),
    post("subscribe-bad-topic-too-long", f"{C1}/subscribe", {"topic": "x" * 65536}),
    post("subscribe-bad-nl-on-share", f"{C1}/subscribe", {"topic": "$share/g/t", "nl": 1}),
    post("subscribe-bad-nl-on-queue", f"{C1}/subscribe", {"topic": "$queue/t", "nl": 1}),
    post("subscribe-bad-qos-3", f"{C1}/subscribe", {"topic": "t/a", "qos": 3}),
    post("subscribe-bad-qos-negative", f"{C1}/subscribe", {"topic": "t/a", "qos": -1}),
    post("subscribe-bad-rh-3", f"{C1}/subscribe", {"topic": "t/a", "rh": 3}),
    post("subscribe-bad-rap-2", f"{C1}/subscribe", {"topic": "t/a", "rap": 2}),
    post("subscribe-bad-qos-string", f"{C1}/subscribe", {"topic": "t/a", "qos": "1"}),
    post("subscribe-qos-float", f"{C1}/subscribe", {"topic": "t/f", "qos": 1.0}),
    post("subscribe-bad-qos-bool", f"{C1}/subscribe", {"topic": "t/a", "qos": True}),
    post("subscribe-bad-qos-null", f"{C1}/subscribe", {"topic": "t/a", "qos": None}),
    post("subscribe-bad-missing-topic", f"{C1}/subscribe", {"qos": 1}),
    post("subscribe-bad-extra-field", f"{C1}/subscribe", {"topic": "t/a", "retain": True}),
    post("subscribe-bad-topic-number", f"{C1}/subscribe", {"topic": 5}),
    post("subscribe-bad-empty-object", f"{C1}/subscribe", {}),
    post("subscribe-bad-array", f"{C1}/subscribe", [TA]),
    post("subscribe-bad-string", f"{C1}/subscribe", "t/a"),
    post("subscribe-bad-number", f"{C1}/subscribe", 1),
    raw("subscribe-bad-null", f"{C1}/subscribe", b"null"),
    raw("subscribe-bad-json", f"{C1}/subscribe", b"{bad"),
    raw("subscribe-bad-trailing-comma", f"{C1}/subscribe", b'{"topic": "t/a",}'),
    raw("subscribe-bad-non-utf8", f"{C1}/subscribe", b"\xff\xfe{}"),
    raw("subscribe-bad-non-utf8-in-string", f"{C1}/subscribe", b'{"topic": "t/\xff"}'),
    raw("subscribe-bad-utf8-bom", f"{C1}/subscribe", b'\xef\xbb\xbf{"topic": "t/bom"}'),
    raw("subscribe-bad-utf16", f"{C1}/subscribe", '{"topic": "t/a"}'.encode("utf-16")),
    raw("subscribe-bad-deep-nesting", f"{C1}/subscribe", DEEP),
    raw("subscribe-bad-nan", f"{C1}/subscribe", b'{"topic": "t/a", "qos": NaN}'),
    raw("subscribe-bad-empty-body", f"{C1}/subscribe", b""),
    raw("subscribe-bad-whitespace-body", f"{C1}/subscribe", b"  \n"),
    raw("subscribe-duplicate-keys", f"{C1}/subscribe", b'{"topic": "t/x", "topic": "t/dup"}'),
    raw("subscribe-lone-surrogate", f"{C1}/subscribe", b'{"topic": "t/\\ud800"}'),
    call("subscribe-no-body", "POST", f"{C1}/subscribe"),
    post("subscribe-bad-unknown-query", f"{C1}/subscribe?qos=1", {"topic": "t/d"}),
    get("subscribe-errors-then-get-count", C1),
    post("unsubscribe-t-a", f"{C1}/unsubscribe", TA),
    get("unsubscribe-then-count", C1),
    post("unsubscribe-never-subscribed", f"{C1}/unsubscribe", {"topic": "never/subscribed"}),
    post("unsubscribe-shared", f"{C1}/unsubscribe", {"topic": "$share/g1/jobs/+"}),
    post("unsubscribe-ghost", f"{GHOST}/unsubscribe", TA),
    post("unsubscribe-bad-topic-rule", f"{C1}/unsubscribe", {"topic": "a/#/b"}),
    post("unsubscribe-bad-extra-field", f"{C1}/unsubscribe", {"topic": "t/a", "qos": 1}),
    post("unsubscribe-bad-missing-topic", f"{C1}/unsubscribe", {}),
    post("unsubscribe-bad-array", f"{C1}/unsubscribe", [TA]),
    raw("unsubscribe-bad-json", f"{C1}/unsubscribe", b"{bad"),
    raw("unsubscribe-empty-body", f"{C1}/unsubscribe", b""),
    call("unsubscribe-no-body", "POST", f"{C1}/unsubscribe"),
    get("unsubscribe-then-get", C1),
    get("subscribe-journal-400s", f"{SIM}/journal?status=400&limit=5"),
)

QUOTA = seq(
    "quota",
    post("quota-fill-bulk", f"{C1}/subscribe/bulk", [{"topic": f"q/{n}"} for n in range(10)]),
    get("quota-full-count", C1),
    post("quota-one-too-many", f"{C1}/subscribe", {"topic": "q/one-too-many", "qos": 1}),
    get("quota-still-full", C1),
    post("quota-replace-existing", f"{C1}/subscribe", {"topic": "q/0", "qos": 2}),
    post("quota-unsubscribe-unadded", f"{C1}/unsubscribe", {"topic": "q/one-too-many"}),
    post("quota-unsubscribe-one", f"{C1}/unsubscribe", {"topic": "q/9"}),
    post("quota-bulk-over", f"{C1}/subscribe/bulk", [{"topic": "q/new-1"}, {"topic": "q/new-2"}]),
    get("quota-after-bulk-over", C1),
)

BULK = seq(
    "bulk",
    post("bulk-subscribe-two", f"{C1}/subscribe/bulk", [{"topic": "t/a", "qos": 1}, {"topic": "t/b", "qos": 0}]),
    get("bulk-subscribe-then-count", C1),
    post("bulk-subscribe-same-topic-twice", f"{C1}/subscribe/bulk", [{"topic": "t/c"}, {"topic": "t/c", "qos": 2}]),
    post("bulk-subscribe-shared", f"{DOC}/subscribe/bulk", [{"topic": "$share/g/x"}, {"topic": "$queue/y", "rh": 1}]),
    post("bulk-subscribe-bad-second-item-rule", f"{C1}/subscribe/bulk", [{"topic": "x/3"}, {"topic": "x/#/4"}]),
    post(
        "bulk-subscribe-bad-second-item-schema", f"{C1}/subscribe/bulk", [{"topic": "x/5"}, {"topic": "x/6", "qos": 3}]
    ),
    post(
        "bulk-subscribe-bad-nl-on-share", f"{C1}/subscribe/bulk", [{"topic": "x/7"}, {"topic": "$share/g/x", "nl": 1}]
    ),
    post("bulk-subscribe-bad-item-extra", f"{C1}/subscribe/bulk", [{"topic": "x/8", "colour": "red"}]),
    post("bulk-subscribe-bad-item-not-object", f"{C1}/subscribe/bulk", ["x/9"]),
    post("bulk-subscribe-bad-empty", f"{C1}/subscribe/bulk", []),
    post("bulk-subscribe-bad-object", f"{C1}/subscribe/bulk", TA),
    post("bulk-subscribe-bad-101-items", f"{C1}/subscribe/bulk", [{"topic": f"m/{n}"} for n in range(101)]),
    raw("bulk-subscribe-bad-json", f"{C1}/subscribe/bulk", b"[{"),
    raw("bulk-subscribe-empty-body", f"{C1}/subscribe/bulk", b""),
    get("bulk-errors-then-count-unchanged", C1),
    post("bulk-subscribe-ghost", f"{GHOST}/subscribe/bulk", [TA]),
    post("bulk-unsubscribe-mixed", f"{C1}/unsubscribe/bulk", [TA, {"topic": "x/9"}]),
    get("bulk-unsubscribe-then-count", C1),
    post("bulk-unsubscribe-ghost", f"{GHOST}/unsubscribe/bulk", [TA]),
    post("bulk-unsubscribe-bad-empty", f"{C1}/unsubscribe/bulk", []),
    post("bulk-unsubscribe-bad-rule", f"{C1}/unsubscribe/bulk", [{"topic": "t/b"}, {"topic": "a/#/b"}]),
    post("bulk-unsubscribe-bad-missing-topic", f"{C1}/unsubscribe/bulk", [{}]),
    post("bulk-unsubscribe-bad-extra", f"{C1}/unsubscribe/bulk", [{"topic": "t/b", "qos": 1}]),
    post("bulk-unsubscribe-bad-object", f"{C1}/unsubscribe/bulk", {"topic": "t/b"}),
    raw("bulk-unsubscribe-empty-body", f"{C1}/unsubscribe/bulk", b""),
    get("bulk-unsubscribe-errors-then-count", C1),
    post("bulk-unsubscribe-rest", f"{C1}/unsubscribe/bulk", [{"topic": "t/b"}, {"topic": "t/c"}]),
    get("bulk-final-count", C1),
    get("bulk-journal", f"{SIM}/journal?operationId=bulkSubscribe"),
)

MEDIA = seq(
    "media-and-size",
    raw("media-text-plain", f"{C1}/subscribe", b'{"topic": "t/m1"}', b"text/plain"),
    raw("media-form", f"{C1}/subscribe", b"topic=t/a", b"application/x-www-form-urlencoded"),
    raw("media-multipart", f"{C1}/subscribe", b"--x--", b"multipart/form-data; boundary=x"),
    raw("media-no-content-type-bug", f"{C1}/subscribe", b'{"topic": "t/m2"}', None),
    raw("media-mixed-case-bug", f"{C1}/subscribe", b'{"topic": "t/m3"}', b"Application/JSON"),
    raw("media-charset-utf8-bug", f"{C1}/subscribe", b'{"topic": "t/m4"}', b"application/json; charset=utf-8"),
    raw("media-charset-latin1", f"{C1}/subscribe", b'{"topic": "t/m5\xe9"}', b"application/json; charset=latin-1"),
    raw("media-charset-unknown", f"{C1}/subscribe", b'{"topic": "t/m6"}', b"application/json; charset=klingon"),
    raw("media-vendor-json", f"{C1}/subscribe", b'{"topic": "t/m7"}', b"application/vnd.api+json"),
    raw("media-json-space-before-semicolon", f"{C1}/subscribe", b'{"topic": "t/m8"}', b"application/json ; x=y"),
    raw("media-empty-content-type", f"{C1}/subscribe", b'{"topic": "t/m9"}', b""),
    raw("media-chunked-subscribe-bug", f"{C1}/subscribe", b'{"topic": "t/chunked", "qos": 1}', chunked=True),
    raw("media-chunked-bulk-bug", f"{C1}/subscribe/bulk", b'[{"topic": "t/c1"}, {"topic": "t/c2"}]', chunked=True),
    raw("media-chunked-bad-json-bug", f"{C1}/subscribe", b'{"topic": ', chunked=True),
    raw("media-chunked-regenerate-bug", f"{SIM}/regenerate", b'{"seed": 8, "clients": 10}', chunked=True),
    get("media-after-chunked-count", f"{C}?_limit=1"),
    raw("media-too-large", f"{C1}/subscribe", BIG),
    raw("media-too-large-chunked-bug", f"{C1}/subscribe", BIG, chunked=True),
    raw("media-too-large-bulk", f"{C1}/subscribe/bulk", b"[" + BIG + b"]"),
    raw("media-too-large-unsubscribe", f"{C1}/unsubscribe", BIG),
    raw("media-too-large-import", f"{SIM}/state", BIG, method="PUT"),
    raw("media-too-large-text-plain", f"{C1}/subscribe", BIG, b"text/plain"),
    raw("media-too-large-on-get", f"{C}?_limit=1", BIG, method="GET"),
    raw("media-content-length-huge", f"{C1}/subscribe", b'{"topic": "t/x"}', headers=((b"content-length", b"1" * 11),)),
    raw("media-regenerate-text-plain", f"{SIM}/regenerate", b"{}", b"text/plain"),
    raw("media-regenerate-no-content-type-bug", f"{SIM}/regenerate", b"{}", None),
    raw("media-set-clock-form", f"{SIM}/clock", b"frozen=true", b"application/x-www-form-urlencoded", method="PUT"),
    raw("media-advance-non-utf8", f"{SIM}/clock/advance", b'{"seconds": "\xff"}'),
    raw("media-add-fault-bad-json", f"{SIM}/faults", b"{"),
    raw("media-unsubscribe-text-plain", f"{C1}/unsubscribe", b'{"topic": "t/a"}', b"text/plain"),
    raw("media-bulk-subscribe-text-plain", f"{C1}/subscribe/bulk", b'[{"topic": "t/a"}]', b"text/plain"),
    raw("media-bulk-unsubscribe-text-plain", f"{C1}/unsubscribe/bulk", b'[{"topic": "t/a"}]', b"text/plain"),
    raw("media-bulk-subscribe-no-content-type-bug", f"{C1}/subscribe/bulk", b'[{"topic": "t/m10"}]', None),
    raw("media-unsubscribe-no-content-type-bug", f"{C1}/unsubscribe", b'{"topic": "t/m4"}', None),
    raw("media-advance-text-plain", f"{SIM}/clock/advance", b'{"seconds": 1}', b"text/plain"),
    raw("media-add-fault-text-plain", f"{SIM}/faults", b'{"status": 503}', b"text/plain"),
    raw("media-import-no-content-type-bug", f"{SIM}/state", json.dumps(STATE).encode(), None, method="PUT"),
    raw("media-add-fault-too-large", f"{SIM}/faults", BIG),
    raw("media-set-clock-too-large", f"{SIM}/clock", BIG, method="PUT"),
    get("media-after-all-count", C1),
    get("media-journal", f"{SIM}/journal?limit=40"),
)

SMALL_LIMIT = seq(
    "small-body-limit",
    post("small-limit-subscribe-fits", f"{C1}/subscribe", {"topic": "t/a"}),
    post("small-limit-subscribe-over", f"{C1}/subscribe", {"topic": "t/" + "a" * 80}),
    raw(
        "small-limit-subscribe-over-chunked-bug", f"{C1}/subscribe", b'{"topic": "t/' + b"b" * 80 + b'"}', chunked=True
    ),
    post("small-limit-regenerate-over", f"{SIM}/regenerate", {"scenario": "x" * 80}),
    get("small-limit-count", C1),
    max_body_bytes=64,
)

CORS = seq(
    "cors",
    preflight("cors-preflight-subscribe", f"{C1}/subscribe", b"POST", DEV, b"authorization, content-type"),
    preflight("cors-preflight-list", C, b"GET"),
    preflight("cors-preflight-kick", C1, b"DELETE", b"https://dash.example"),
    preflight("cors-preflight-sim", f"{SIM}/faults", b"POST", DEV, b"Content-Type"),
    preflight("cors-preflight-disallowed-method", C1, b"PATCH"),
    preflight("cors-preflight-unknown-path", f"{API}/nodes", b"GET"),
    call("cors-options-origin-only", "OPTIONS", C, auth=None, headers=from_origin()),
    call("cors-options-no-origin", "OPTIONS", C),
    get("cors-simple-list", f"{C}?_limit=1", headers=from_origin()),
    get("cors-simple-get", C1, headers=from_origin()),
    get("cors-simple-no-auth", f"{C}?_limit=1", auth=None, headers=from_origin()),
    get("cors-simple-404", GHOST, headers=from_origin()),
    get("cors-simple-400", f"{C}?_limit=0", headers=from_origin()),
    put("cors-simple-405", C1, headers=from_origin()),
    post("cors-simple-subscribe", f"{C1}/subscribe", TA, headers=from_origin()),
    delete("cors-simple-kick", DOC, headers=from_origin()),
    get("cors-simple-sim-status", f"{SIM}/status", headers=from_origin()),
    get("cors-simple-with-cookie", f"{C}?_limit=1", headers=((ORIGIN, b"http://x.example"), (b"cookie", b"a=b"))),
    get("cors-simple-null-origin", f"{C}?_limit=1", headers=from_origin(b"null")),
)

CORS_RESTRICTED = seq(
    "cors-restricted",
    get("cors-restricted-allowed-simple", f"{C}?_limit=1", headers=from_origin(ALLOWED)),
    get("cors-restricted-other-simple", f"{C}?_limit=1", headers=from_origin(EVIL)),
    get("cors-restricted-other-no-auth", f"{C}?_limit=1", auth=None, headers=from_origin(EVIL)),
    preflight("cors-restricted-allowed-preflight", f"{C1}/subscribe", b"POST", ALLOWED, b"authorization,content-type"),
    preflight("cors-restricted-other-preflight", f"{C1}/subscribe", b"POST", EVIL),
    preflight("cors-restricted-other-bad-method-preflight", C, b"PATCH", EVIL),
    get("cors-restricted-no-origin", f"{C}?_limit=1"),
    cors_origins=(ALLOWED.decode(),),
)

PREFER_SEQUENCE = seq(
    "prefer",
    get("prefer-code-503", C1, headers=((PREFER, b"code=503"),)),
    delete("prefer-code-500-delay-1-on-kick", C1, headers=((PREFER, b"code=500, delay=1"),)),
    get("prefer-kick-failed-client-still-there", C1),
    get("prefer-delay-1", C1, headers=((PREFER, b"delay=1"),)),
    get("prefer-code-200-ignored", C1, headers=((PREFER, b"code=200, weird"),)),
    get("prefer-code-404", f"{C}?_limit=1", headers=((PREFER, b"code=404"),)),
    get("prefer-code-429", f"{C}?_limit=1", headers=((PREFER, b"code=429"),)),
    get("prefer-code-418", f"{C}?_limit=1", headers=((PREFER, b"code=418"),)),
    get("prefer-code-599", f"{C}?_limit=1", headers=((PREFER, b"code=599"),)),
    get("prefer-code-600-ignored", f"{C}?_limit=1", headers=((PREFER, b"code=600"),)),
    get("prefer-semicolon", f"{C}?_limit=1", headers=((PREFER, b"delay=1;code=502"),)),
    get("prefer-upper-case-key", f"{C}?_limit=1", headers=((PREFER, b"CODE=504"),)),
    get("prefer-garbage", f"{C}?_limit=1", headers=((PREFER, b"return=minimal"),)),
    get("prefer-with-bad-params", f"{C}?_limit=0", headers=((PREFER, b"code=503"),)),
    post("prefer-subscribe", f"{C1}/subscribe", TA, headers=((PREFER, b"code=503"),)),
    get("prefer-subscribe-not-applied", C1),
    raw("prefer-subscribe-bad-body", f"{C1}/subscribe", b"{bad", headers=((PREFER, b"code=503"),)),
    raw("prefer-subscribe-text-plain", f"{C1}/subscribe", b"x", b"text/plain", headers=((PREFER, b"code=503"),)),
    post("prefer-subscribe-delay", f"{C1}/subscribe", TA, headers=((PREFER, b"delay=1"),)),
    get("prefer-ghost", GHOST, headers=((PREFER, b"code=503"),)),
    get("prefer-unknown-path", f"{API}/nodes", headers=((PREFER, b"code=503"),)),
    put("prefer-wrong-method", C1, headers=((PREFER, b"code=503"),)),
    get("prefer-on-control-ignored", f"{SIM}/status", headers=((PREFER, b"code=503"),)),
    get("prefer-journal", f"{SIM}/journal?limit=30"),
)

FAULTS = seq(
    "faults",
    get("faults-none", f"{SIM}/faults"),
    post("faults-add-kick-503-once", f"{SIM}/faults", {"operation": "kickClient", "status": 503, "times": 1}),
    get("faults-listed", f"{SIM}/faults"),
    delete("faults-kick-fails", C1),
    get("faults-kick-failed-client-still-there", C1),
    get("faults-rule-used-up", f"{SIM}/faults"),
    delete("faults-kick-works-again", C1),
    post(
        "faults-add-get-custom",
        f"{SIM}/faults",
        {"operation": "getClient", "status": 500, "code": "NODE_DOWN", "message": "bad rpc call", "times": 2},
    ),
    get("faults-get-custom-1", DOC),
    get("faults-get-custom-2", GHOST),
    get("faults-get-after-custom", DOC),
    post("faults-add-star-502-once", f"{SIM}/faults", {"operation": "*", "status": 502, "times": 1}),
    get("faults-star-hits-list", f"{C}?_limit=1"),
    get("faults-star-used-up", f"{C}?_limit=1"),
    post("faults-add-star-default-operation", f"{SIM}/faults", {"status": 504, "times": 1}),
    post("faults-star-hits-subscribe", f"{DOC}/subscribe", TA),
    post("faults-add-subscribe", f"{SIM}/faults", {"operation": "subscribe", "status": 503, "times": 1}),
    post("faults-subscribe-fails", f"{DOC}/subscribe", TA),
    get("faults-subscribe-not-applied", DOC),
    post("faults-add-unsubscribe", f"{SIM}/faults", {"operation": "unsubscribe", "status": 503, "times": 1}),
    post("faults-unsubscribe-fails", f"{DOC}/unsubscribe", TA),
    post("faults-add-bulk-subscribe", f"{SIM}/faults", {"operation": "bulkSubscribe", "status": 500, "times": 1}),
    post("faults-bulk-subscribe-fails", f"{DOC}/subscribe/bulk", [TA]),
    post("faults-add-bulk-unsubscribe", f"{SIM}/faults", {"operation": "bulkUnsubscribe", "status": 404, "times": 1}),
    post("faults-bulk-unsubscribe-fails", f"{DOC}/unsubscribe/bulk", [TA]),
    post("faults-add-list", f"{SIM}/faults", {"operation": "listClients", "status": 429, "times": 1}),
    get("faults-list-fails", f"{C}?_limit=1"),
    post("faults-add-status-418", f"{SIM}/faults", {"operation": "getClient", "status": 418, "times": 1}),
    get("faults-status-418", DOC),
    post("faults-add-subscribe-again", f"{SIM}/faults", {"operation": "subscribe", "status": 503, "times": 1}),
    raw("faults-subscribe-bad-body-vs-fault", f"{DOC}/subscribe", b"{bad"),
    post("faults-add-for-no-auth", f"{SIM}/faults", {"operation": "getClient", "status": 503, "times": 1}),
    get("faults-no-auth-first", DOC, auth=None),
    get("faults-rule-after-no-auth", f"{SIM}/faults"),
    get("faults-control-not-affected", f"{SIM}/status"),
    post("faults-add-delay", f"{SIM}/faults", {"delay_ms": 1}),
    post("faults-add-delay-range", f"{SIM}/faults", {"operation": "getClient", "delay_ms": 0, "delay_max_ms": 2}),
    get("faults-delayed-get", DOC),
    get("faults-delay-hits", f"{SIM}/faults"),
    delete("faults-remove-delay", f"{SIM}/faults/fault-14"),
    delete("faults-remove-delay-again", f"{SIM}/faults/fault-14"),
    delete("faults-remove-unknown", f"{SIM}/faults/nope"),
    delete("faults-remove-id-too-long", f"{SIM}/faults/{'f' * 65}"),
    delete("faults-clear", f"{SIM}/faults"),
    post("faults-add-half-rate", f"{SIM}/faults", {"operation": "getClient", "status": 500, "error_rate": 0.5}),
    *(get(f"faults-half-rate-{n}", DOC) for n in range(1, 7)),
    get("faults-half-rate-hits", f"{SIM}/faults"),
    delete("faults-clear-again", f"{SIM}/faults"),
    post("faults-bad-operation", f"{SIM}/faults", {"operation": "kickEveryone", "status": 503}),
    post("faults-bad-status-200", f"{SIM}/faults", {"status": 200}),
    post("faults-bad-status-600", f"{SIM}/faults", {"status": 600}),
    post("faults-bad-status-string", f"{SIM}/faults", {"status": "503"}),
    post("faults-bad-error-rate", f"{SIM}/faults", {"status": 503, "error_rate": 2}),
    post("faults-bad-delay-range", f"{SIM}/faults", {"delay_ms": 500, "delay_max_ms": 100}),
    post("faults-bad-delay-negative", f"{SIM}/faults", {"delay_ms": -1}),
    post("faults-bad-delay-over-max", f"{SIM}/faults", {"delay_ms": 60001}),
    post("faults-bad-empty", f"{SIM}/faults", {}),
    post("faults-bad-nothing-to-do", f"{SIM}/faults", {"operation": "getClient", "times": 1}),
    post("faults-bad-code-lower-case", f"{SIM}/faults", {"status": 503, "code": "lower case"}),
    post("faults-bad-extra", f"{SIM}/faults", {"status": 503, "colour": "red"}),
    post("faults-bad-times-zero", f"{SIM}/faults", {"status": 503, "times": 0}),
    post("faults-bad-array", f"{SIM}/faults", [{"status": 503}]),
    raw("faults-bad-empty-body", f"{SIM}/faults", b""),
    get("faults-none-after-bad", f"{SIM}/faults"),
    get("faults-journal-503", f"{SIM}/journal?status=503"),
    get("faults-journal-all", f"{SIM}/journal?limit=60"),
)

JOURNAL = seq(
    "journal",
    get("journal-empty", f"{SIM}/journal"),
    get("journal-req-list", f"{C}?_limit=2&conn_state=connected"),
    delete("journal-req-kick-ghost", GHOST),
    get("journal-req-bad-limit", f"{C}?_limit=0"),
    get("journal-req-no-auth", C, auth=None),
    get("journal-req-control", f"{SIM}/status"),
    get("journal-req-spec", f"{API}/openapi.json"),
    get("journal-req-unknown-path", f"{API}/nodes?x=1"),
    put("journal-req-wrong-method", C1),
    get("journal-req-escaped-query", f"{C}?_like_clientid=a%26b&_like_username=%C3%A9+x&_limit=1"),
    get("journal-req-repeated-query", f"{C}?_limit=1&_limit=2"),
    post("journal-req-subscribe", f"{C1}/subscribe", TA),
    get("journal-all", f"{SIM}/journal"),
    get("journal-by-operation", f"{SIM}/journal?operationId=kickClient"),
    get("journal-by-status", f"{SIM}/journal?status=400"),
    get("journal-by-status-and-operation", f"{SIM}/journal?status=200&operationId=listClients"),
    get("journal-limit-1", f"{SIM}/journal?limit=1"),
    get("journal-unknown-operation", f"{SIM}/journal?operationId=nope"),
    get("journal-bad-limit-zero", f"{SIM}/journal?limit=0"),
    get("journal-bad-limit-over-max", f"{SIM}/journal?limit=100001"),
    get("journal-bad-status-99", f"{SIM}/journal?status=99"),
    get("journal-bad-status-word", f"{SIM}/journal?status=abc"),
    get("journal-bad-unknown-param", f"{SIM}/journal?foo=1"),
    get("journal-bad-duplicate-param", f"{SIM}/journal?limit=1&limit=2"),
    get("journal-bad-operation-too-long", f"{SIM}/journal?operationId={'o' * 65}"),
    delete("journal-clear", f"{SIM}/journal"),
    get("journal-after-clear", f"{SIM}/journal"),
    delete("journal-clear-with-query", f"{SIM}/journal?x=1"),
)

JOURNAL_RING = seq(
    "journal-ring",
    *(get(f"journal-ring-page-{page}", f"{C}?_page={page}&_limit=1") for page in range(1, 6)),
    get("journal-ring-read", f"{SIM}/journal"),
    get("journal-ring-limit-2", f"{SIM}/journal?limit=2"),
    journal_size=3,
)

CLOCK = seq(
    "clock",
    get("clock-read", f"{SIM}/clock"),
    get("clock-client-before", C1),
    post("clock-advance-90-5", f"{SIM}/clock/advance", {"seconds": 90.5}),
    get("clock-client-after-advance", C1),
    post("clock-advance-zero", f"{SIM}/clock/advance", {"seconds": 0}),
    put("clock-set-now", f"{SIM}/clock", {"now": "2024-01-01T00:00:00Z"}),
    get("clock-status-after-set", f"{SIM}/status"),
    get("clock-list-after-set", f"{C}?_limit=2"),
    put("clock-set-now-with-offset", f"{SIM}/clock", {"now": "2024-01-01T02:00:00.5+02:00"}),
    put("clock-set-now-and-freeze", f"{SIM}/clock", {"now": "2024-01-02T00:00:00Z", "frozen": True}),
    put("clock-freeze-frozen", f"{SIM}/clock", {"frozen": True}),
    put("clock-set-into-the-past", f"{SIM}/clock", {"now": "2020-01-01T00:00:00Z"}),
    get("clock-client-in-the-past", C1),
    get("clock-list-in-the-past", f"{C}?_limit=2"),
    put("clock-set-date-only", f"{SIM}/clock", {"now": "2024-01-03"}),
    put("clock-bad-empty", f"{SIM}/clock", {}),
    put("clock-bad-now-words", f"{SIM}/clock", {"now": "next tuesday"}),
    put("clock-bad-now-number", f"{SIM}/clock", {"now": 1694770580000}),
    put("clock-bad-frozen-string", f"{SIM}/clock", {"frozen": "yes"}),
    put("clock-bad-extra", f"{SIM}/clock", {"frozen": True, "speed": 2}),
    put("clock-bad-array", f"{SIM}/clock", [{"frozen": True}]),
    raw("clock-bad-empty-body", f"{SIM}/clock", b"", method="PUT"),
    post("clock-advance-bad-negative", f"{SIM}/clock/advance", {"seconds": -5}),
    post("clock-advance-bad-missing", f"{SIM}/clock/advance", {}),
    post("clock-advance-bad-string", f"{SIM}/clock/advance", {"seconds": "soon"}),
    post("clock-advance-bad-over-a-year", f"{SIM}/clock/advance", {"seconds": 31536001}),
    post("clock-advance-bad-extra", f"{SIM}/clock/advance", {"seconds": 1, "frozen": False}),
    raw("clock-advance-bad-empty-body", f"{SIM}/clock/advance", b""),
    get("clock-unchanged-after-bad", f"{SIM}/clock"),
    put("clock-back-to-start", f"{SIM}/clock", {"now": "2023-09-15T09:36:20Z"}),
    post("clock-advance-a-day", f"{SIM}/clock/advance", {"seconds": 86400}),
    get("clock-status-after-a-day", f"{SIM}/status"),
    get("clock-disconnected-after-a-day", f"{C}?conn_state=disconnected&_limit=2"),
    get("clock-journal-time", f"{SIM}/journal?limit=3"),
)

POPULATION = seq(
    "population",
    get("population-status", f"{SIM}/status"),
    get("population-scenarios", f"{SIM}/scenarios"),
    delete("population-kick-before-reset", C1),
    post("population-subscribe-before-reset", f"{DOC}/subscribe", TA),
    post("population-reset", f"{SIM}/reset"),
    get("population-reset-client-back", C1),
    get("population-reset-subscription-gone", DOC),
    post("population-reset-with-query", f"{SIM}/reset?x=1"),
    raw("population-reset-with-body", f"{SIM}/reset", b'{"x": 1}'),
    post("population-regenerate-docs-examples", f"{SIM}/regenerate", {"scenario": "docs-examples"}),
    get("population-docs-examples-list", C),
    post("population-regenerate-empty", f"{SIM}/regenerate", {"scenario": "empty"}),
    get("population-empty-list", C),
    get("population-empty-get", C1),
    post("population-regenerate-seed-size-nodes", f"{SIM}/regenerate", {"seed": 99, "clients": 40, "nodes": 2}),
    get("population-seed-99-list", f"{C}?_limit=3"),
    post("population-regenerate-same", f"{SIM}/regenerate", {}),
    post("population-regenerate-new-seed", f"{SIM}/regenerate", {"seed": 100}),
    get("population-seed-100-list", f"{C}?_limit=3"),
    post("population-regenerate-churn", f"{SIM}/regenerate", {"churn": True, "clients": 50}),
    post("population-churn-advance", f"{SIM}/clock/advance", {"seconds": 300}),
    get("population-churn-status", f"{SIM}/status"),
    post("population-regenerate-quota-edge", f"{SIM}/regenerate", {"scenario": "quota-edge", "seed": 7, "nodes": 3}),
    get("population-quota-edge-full-client", FULL),
    post("population-quota-edge-subscribe-full", f"{FULL}/subscribe", {"topic": "one/more"}),
    get("population-quota-edge-still-full", FULL),
    post("population-regenerate-mixed", f"{SIM}/regenerate", {"scenario": "mixed-protocols"}),
    get("population-mixed-coap", f"{C}?proto_name=CoAP&_limit=2"),
    post("population-regenerate-flapping", f"{SIM}/regenerate", {"scenario": "flapping", "clients": 120}),
    post("population-flapping-advance", f"{SIM}/clock/advance", {"seconds": 600}),
    get("population-flapping-status", f"{SIM}/status"),
    get("population-flapping-list", f"{C}?_limit=3"),
    post("population-bad-unknown-scenario", f"{SIM}/regenerate", {"scenario": "no-such-scenario"}),
    post("population-bad-scenario-path", f"{SIM}/regenerate", {"scenario": "/etc/passwd"}),
    post("population-bad-scenario-file-name", f"{SIM}/regenerate", {"scenario": "default.yaml"}),
    post("population-bad-clients-negative", f"{SIM}/regenerate", {"clients": -1}),
    post("population-bad-clients-over-max", f"{SIM}/regenerate", {"clients": 2000001}),
    post("population-bad-nodes-zero", f"{SIM}/regenerate", {"nodes": 0}),
    post("population-bad-seed-string", f"{SIM}/regenerate", {"seed": "x"}),
    post("population-bad-seed-too-big", f"{SIM}/regenerate", {"seed": 2**63}),
    post("population-bad-extra", f"{SIM}/regenerate", {"colour": "blue"}),
    post("population-bad-array", f"{SIM}/regenerate", []),
    raw("population-bad-empty-body", f"{SIM}/regenerate", b""),
    get("population-status-unchanged", f"{SIM}/status"),
    get("population-scenarios-bad-query", f"{SIM}/scenarios?x=1"),
    get("population-status-bad-query", f"{SIM}/status?verbose=1"),
)

STATE_SEQUENCE = seq(
    "state",
    get("state-export-fresh", f"{SIM}/state"),
    post("state-subscribe-client-1", f"{C1}/subscribe", {"topic": "t/a", "qos": 1}),
    delete("state-kick-documented", DOC),
    post("state-advance", f"{SIM}/clock/advance", {"seconds": 60}),
    get("state-export-changed", f"{SIM}/state"),
    put("state-import-valid", f"{SIM}/state", STATE),
    get("state-after-import-status", f"{SIM}/status"),
    get("state-after-import-list", f"{C}?_limit=2"),
    get("state-after-import-client-1-gone", C1),
    get("state-export-imported", f"{SIM}/state"),
    put("state-import-with-client", f"{SIM}/state", state()),
    get("state-imported-client", C1),
    put("state-import-format-1", f"{SIM}/state", {**STATE, "format": "emqx-sim-state/1", "removed": []}),
    get("state-after-format-1", f"{SIM}/status"),
    put("state-bad-format", f"{SIM}/state", state(format="other")),
    put("state-bad-missing-spec", f"{SIM}/state", {k: v for k, v in STATE.items() if k != "spec"}),
    put("state-bad-spec-clients", f"{SIM}/state", state(spec={**STATE["spec"], "clients": -1})),
    put("state-bad-spec-protocols", f"{SIM}/state", state(spec={**STATE["spec"], "protocols": [0, 0, 0]})),
    put("state-bad-spec-unknown-field", f"{SIM}/state", state(spec={**STATE["spec"], "colour": 1})),
    put("state-bad-clock", f"{SIM}/state", state(clock={"now_ms": "soon", "frozen": True})),
    put("state-bad-removed", f"{SIM}/state", state(removed=[1])),
    put("state-bad-clients-not-array", f"{SIM}/state", state(clients={})),
    put("state-bad-client-state", f"{SIM}/state", nested(("state",), "asleep")),
    put("state-bad-client-port", f"{SIM}/state", nested(("identity", "port"), "80")),
    put("state-bad-client-unknown-field", f"{SIM}/state", nested(("identity", "colour"), "red")),
    put("state-bad-subscription-qos", f"{SIM}/state", nested(("subscriptions", "t/a", "qos"), 3)),
    put("state-bad-duplicate-client", f"{SIM}/state", state(clients=[CLIENT_1_DATA, CLIENT_1_DATA])),
    put("state-bad-array", f"{SIM}/state", [STATE]),
    put("state-bad-empty-object", f"{SIM}/state", {}),
    raw("state-bad-json", f"{SIM}/state", b"{", method="PUT"),
    raw("state-bad-null", f"{SIM}/state", b"null", method="PUT"),
    raw("state-bad-empty-body", f"{SIM}/state", b"", method="PUT"),
    raw("state-bad-text-plain", f"{SIM}/state", json.dumps(STATE).encode(), b"text/plain", method="PUT"),
    get("state-unchanged-after-bad", f"{SIM}/status"),
    get("state-unchanged-client", C1),
)

ROUTING = seq(
    "routing",
    get("routing-unknown-nodes", f"{API}/nodes"),
    get("routing-api-root", API),
    get("routing-api-root-slash", f"{API}/"),
    get("routing-root", "/"),
    get("routing-other-version", "/api/v4/clients"),
    get("routing-sim-unknown", f"{SIM}/nope"),
    get("routing-sim-root", SIM),
    post("routing-subscribe-extra-segment", f"{C1}/subscribe/bulk/extra", TA),
    post("routing-unknown-subpath", f"{C1}/publish", TA),
    get("routing-clients-trailing-slash", f"{C}/?_limit=1"),
    get("routing-double-slash", f"/{C}?_limit=1"),
    get("routing-escaped-prefix", f"{API}/%63lients?_limit=1"),
    get("routing-escaped-sim-prefix", f"{API}/%5Fsim/status"),
    get("routing-case", f"{API}/Clients?_limit=1"),
    get("routing-ui-no-slash", f"{API}/ui"),
    get("routing-spec-yaml", f"{API}/openapi.yaml"),
    put("routing-405-put-client", C1),
    call("routing-405-patch-client", "PATCH", C1),
    post("routing-405-post-client", C1, TA),
    delete("routing-405-delete-clients", C),
    post("routing-405-post-clients", C, TA),
    put("routing-405-put-clients", C),
    get("routing-405-get-subscribe", f"{C1}/subscribe"),
    delete("routing-405-delete-unsubscribe", f"{C1}/unsubscribe"),
    get("routing-405-get-bulk-subscribe", f"{C1}/subscribe/bulk"),
    put("routing-405-put-bulk-unsubscribe", f"{C1}/unsubscribe/bulk", [TA]),
    put("routing-405-put-status", f"{SIM}/status"),
    get("routing-405-get-reset", f"{SIM}/reset"),
    get("routing-405-get-regenerate", f"{SIM}/regenerate"),
    post("routing-405-post-scenarios", f"{SIM}/scenarios"),
    delete("routing-405-delete-clock", f"{SIM}/clock"),
    get("routing-405-get-advance", f"{SIM}/clock/advance"),
    put("routing-405-put-faults", f"{SIM}/faults"),
    get("routing-405-get-fault", f"{SIM}/faults/fault-1"),
    post("routing-405-post-journal", f"{SIM}/journal"),
    post("routing-405-post-state", f"{SIM}/state"),
    call("routing-405-trace", "TRACE", C),
    call("routing-405-head-subscribe", "HEAD", f"{C1}/subscribe"),
    get("routing-journal", f"{SIM}/journal?limit=50"),
)

VALIDATE_OFF = seq(
    "validate-off",
    get("validate-off-list", f"{C}?_limit=2"),
    get("validate-off-get", C1),
    post("validate-off-subscribe", f"{C1}/subscribe", {"topic": "t/a", "qos": 2}),
    post("validate-off-bulk", f"{C1}/subscribe/bulk", [{"topic": "t/b"}]),
    post("validate-off-bad", f"{C1}/subscribe", {"topic": "a/#/b"}),
    get("validate-off-count", C1),
    get("validate-off-journal", f"{SIM}/journal"),
    validate_responses=False,
)

DASHBOARD = seq(
    "dashboard",
    get("dashboard-first-page", f"{C}?_page=1&_limit=5"),
    get("dashboard-open-client", f"{C}/yvonne82_508"),
    post("dashboard-subscribe", f"{C}/yvonne82_508/subscribe", {"topic": "dash/#", "qos": 1}),
    get("dashboard-client-shows-subscription", f"{C}/yvonne82_508"),
    post("dashboard-bulk", f"{C}/yvonne82_508/subscribe/bulk", [{"topic": "dash/a"}, {"topic": "dash/b", "qos": 2}]),
    get("dashboard-client-shows-three-more", f"{C}/yvonne82_508"),
    post("dashboard-unsubscribe", f"{C}/yvonne82_508/unsubscribe", {"topic": "dash/#"}),
    post("dashboard-bulk-unsubscribe", f"{C}/yvonne82_508/unsubscribe/bulk", [{"topic": "dash/a"}]),
    get("dashboard-client-after-unsubscribe", f"{C}/yvonne82_508"),
    delete("dashboard-kick", f"{C}/yvonne82_508"),
    get("dashboard-kicked-is-404", f"{C}/yvonne82_508"),
    get("dashboard-first-page-after-kick", f"{C}?_page=1&_limit=5"),
    get("dashboard-search", f"{C}?_like_clientid=yvonne&_limit=5"),
    get("dashboard-journal", f"{SIM}/journal"),
    get("dashboard-export", f"{SIM}/state"),
)

SEQUENCES: tuple[Sequence, ...] = (
    AUTH_SEQUENCE,
    CUSTOM_CREDENTIALS,
    LIST,
    LENIENT,
    GET,
    KICK,
    SUBSCRIBE,
    QUOTA,
    BULK,
    MEDIA,
    SMALL_LIMIT,
    CORS,
    CORS_RESTRICTED,
    PREFER_SEQUENCE,
    FAULTS,
    JOURNAL,
    JOURNAL_RING,
    CLOCK,
    POPULATION,
    STATE_SEQUENCE,
    ROUTING,
    VALIDATE_OFF,
    DASHBOARD,
)
