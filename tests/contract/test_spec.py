"""The contract document: valid OpenAPI 3.0, examples that match their schemas, the seed fully covered."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from simulator import spec
from tests.contract.speccheck import example_problems, link_problems, mutated, operations, resolve

# Names the published document uses: its query parameters, its response field table, and its example.
SEED_QUERY_PARAMETERS = [
    "_page", "_limit", "clientid", "username", "zone", "ip_address", "conn_state", "clean_start",
    "proto_name", "proto_ver", "_gte_created_at", "_lte_created_at", "_gte_connected_at", "_lte_connected_at",
]  # fmt: skip
SEED_TABLE_FIELDS = [
    "node", "clientid", "username", "proto_name", "proto_ver", "ip_address", "port", "is_bridge",
    "connected_at", "disconnected_at", "connected", "zone", "keepalive", "clean_start", "expiry_interval",
    "created_at", "subscriptions_cnt", "max_subscriptions", "inflight", "max_inflight", "mqueue_len",
    "max_mqueue", "mqueue_dropped", "awaiting_rel", "max_awaiting_rel", "recv_oct", "recv_cnt", "recv_pkt",
    "recv_msg", "send_oct", "send_cnt", "send_pkt", "send_msg", "mailbox_len", "heap_size", "reductions",
]  # fmt: skip
SEED_EXAMPLE_FIELDS = [
    "peersni", "reductions", "expiry_interval", "clean_start", "send_msg.dropped.expired", "recv_msg.qos0",
    "mqueue_dropped", "recv_cnt", "send_cnt", "keepalive", "recv_oct", "heap_size", "recv_pkt",
    "recv_msg.dropped.await_pubrel_timeout", "proto_ver", "inflight_max", "send_msg.dropped", "created_at",
    "awaiting_rel_max", "inflight_cnt", "ip_address", "mqueue_len", "send_msg.qos2", "send_pkt",
    "subscriptions_cnt", "send_msg.dropped.too_large", "recv_msg", "send_msg.dropped.queue_full", "send_msg",
    "node", "awaiting_rel_cnt", "listener", "connected", "username", "recv_msg.qos1", "proto_name", "port",
    "send_msg.qos1", "is_persistent", "enable_authn", "mailbox_len", "subscriptions_max", "recv_msg.qos2",
    "connected_at", "tenant_id_from", "is_bridge", "clientid", "send_oct", "send_msg.qos0", "mqueue_max", "cn",
    "recv_msg.dropped", "dn",
]  # fmt: skip
# The field table uses EMQX 4 names; the captured example (EMQX 5) wins.
TABLE_TO_EXAMPLE = {
    "max_subscriptions": "subscriptions_max",
    "inflight": "inflight_cnt",
    "max_inflight": "inflight_max",
    "max_mqueue": "mqueue_max",
    "awaiting_rel": "awaiting_rel_cnt",
    "max_awaiting_rel": "awaiting_rel_max",
}
SEED_OPERATIONS = {
    ("get", "/clients"),
    ("get", "/clients/{clientid}"),
    ("delete", "/clients/{clientid}"),
    ("post", "/clients/{clientid}/subscribe"),
    ("post", "/clients/{clientid}/unsubscribe"),
    ("post", "/clients/{clientid}/subscribe/bulk"),
    ("post", "/clients/{clientid}/unsubscribe/bulk"),
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return spec.load()


def test_spec_is_valid_openapi_3_0(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.0.")
    validate(document)


def test_validator_reports_a_broken_spec(document: dict[str, Any]) -> None:
    broken = mutated(document, ["paths", "/clients", "get", "responses"], "not a mapping")
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_validate_command_prints_ok() -> None:
    done = subprocess.run([sys.executable, "-m", "simulator", "validate"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [line.rsplit("/", 1)[-1] for line in done.stdout.splitlines()] == ["clients.yaml: OK", "control.yaml: OK"]


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    assert example_problems(document) == []


def test_a_drifted_example_is_named(document: dict[str, Any]) -> None:
    path = ["paths", "/clients/{clientid}/subscribe", "post", "requestBody", "content", "application/json"]
    drifted = mutated(document, [*path, "example"], {"topic": "t/a", "qos": 7})
    problems = example_problems(drifted)
    assert len(problems) == 1
    assert problems[0].startswith("POST /clients/{clientid}/subscribe request application/json")
    assert "7" in problems[0]


def test_examples_include_the_seed_examples(document: dict[str, Any]) -> None:
    client = resolve(document, document["components"]["examples"]["DocumentedClient"])["value"]
    assert list(client) == SEED_EXAMPLE_FIELDS
    assert client["clientid"] == "mqttx_07cb8109"
    subscribe = document["paths"]["/clients/{clientid}/subscribe"]["post"]
    echo = subscribe["responses"]["200"]["content"]["application/json"]["example"]
    assert echo == {"clientid": "client_1", "topic": "t/a", "qos": 1, "nl": 0, "rap": 0, "rh": 0, "node": echo["node"]}


def test_the_seven_operations_are_at_the_seed_paths(document: dict[str, Any]) -> None:
    """The seed's seven, and the two every EMQX 5 deployment serves beside them (openapi/README.md row 25)."""
    found = {(method, path) for path, method, _, _ in operations(document)}
    assert found == SEED_OPERATIONS | {("get", "/clients/{clientid}/subscriptions"), ("post", "/clients/kickout/bulk")}
    assert document["servers"][0]["url"] == "/api/v5"


@pytest.mark.parametrize("name", [*SEED_QUERY_PARAMETERS, "_like_clientid", "_like_username"])
def test_every_seed_query_parameter_is_declared(document: dict[str, Any], name: str) -> None:
    listing = next(params for path, method, _, params in operations(document) if path == "/clients")
    declared = {param["name"]: param for param in listing}
    assert name in declared, f"query parameter {name} of the seed is missing from GET /clients"
    assert declared[name].get("description"), f"query parameter {name} has no description"


@pytest.mark.parametrize("name", sorted(set(SEED_TABLE_FIELDS) | set(SEED_EXAMPLE_FIELDS)))
def test_every_seed_field_is_in_the_client_schema(document: dict[str, Any], name: str) -> None:
    properties = document["components"]["schemas"]["MqttClient"]["properties"]
    assert TABLE_TO_EXAMPLE.get(name, name) in properties, f"field {name} of the seed is missing from Client"


def test_renamed_table_fields_are_not_declared_under_their_old_names(document: dict[str, Any]) -> None:
    properties = document["components"]["schemas"]["MqttClient"]["properties"]
    assert not set(TABLE_TO_EXAMPLE) & set(properties)


def test_nullable_fields_are_those_emqx_sends_as_null(document: dict[str, Any]) -> None:
    properties = document["components"]["schemas"]["MqttClient"]["properties"]
    nullable = {name for name, schema in properties.items() if schema.get("nullable")}
    assert nullable == {"username", "peersni", "tenant_id_from", "cn", "dn", "mountpoint"}


def test_time_range_parameters_are_inclusive_and_described_the_right_way(document: dict[str, Any]) -> None:
    listing = next(params for path, method, _, params in operations(document) if path == "/clients")
    declared = {param["name"]: param for param in listing}
    for name in ("_gte_created_at", "_gte_connected_at"):
        assert "≥" in declared[name]["description"] and "at or after" in declared[name]["description"]
    for name in ("_lte_created_at", "_lte_connected_at"):
        assert "≤" in declared[name]["description"] and "at or before" in declared[name]["description"]
    for name in ("_gte_created_at", "_lte_created_at", "_gte_connected_at", "_lte_connected_at"):
        assert declared[name]["schema"]["type"] == "integer"


def test_paging_bounds(document: dict[str, Any]) -> None:
    listing = next(params for path, method, _, params in operations(document) if path == "/clients")
    declared = {param["name"]: param["schema"] for param in listing}
    assert declared["_page"] == {"type": "integer", "minimum": 1, "maximum": 2147483647, "default": 1}
    assert declared["_limit"] == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}
    assert declared["conn_state"]["enum"] == ["connected", "idle", "disconnected"]
    assert declared["proto_name"]["enum"] == ["MQTT", "CoAP", "MQTT-SN"]


def test_every_operation_declares_its_errors(document: dict[str, Any]) -> None:
    missing = []
    for path, method, operation, params in operations(document):
        expected = {"400", "401"}
        if any(param["in"] == "path" for param in params):
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"413", "415"}
        lacking = expected - set(operation["responses"])
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
        unauthorized = operation["responses"]["401"]
        if "WWW-Authenticate" not in unauthorized.get("headers", {}):
            missing.append(f"{method.upper()} {path}: 401 without WWW-Authenticate")
    assert missing == []


def test_every_operation_is_documented_and_secured(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["basicAuth"] == {
        "type": "http",
        "scheme": "basic",
        "description": document["components"]["securitySchemes"]["basicAuth"]["description"],
    }
    for path, method, operation, _ in operations(document):
        for key in ("operationId", "summary", "description"):
            assert operation.get(key), f"{method.upper()} {path} has no {key}"
        assert operation.get("security", document["security"]) == [{"basicAuth": []}]


def test_error_body_lists_the_emqx_codes(document: dict[str, Any]) -> None:
    codes = set(document["components"]["schemas"]["Error"]["properties"]["code"]["enum"])
    assert {
        "BAD_REQUEST",
        "INVALID_PARAMETER",
        "CLIENTID_NOT_FOUND",
        "AUTHORIZATION_HEADER_ERROR",
        "BAD_API_KEY_OR_SECRET",
        "UNSUPPORTED_MEDIA_TYPE",
        "INTERNAL_ERROR",
    } <= codes


def test_links_point_at_existing_operations_and_parameters(document: dict[str, Any]) -> None:
    assert link_problems(document) == []


def test_a_dangling_link_is_named(document: dict[str, Any]) -> None:
    path = ["paths", "/clients/{clientid}", "get", "responses", "200", "links", "KickClient", "operationId"]
    problems = link_problems(mutated(document, path, "kickEveryone"))
    assert problems == ["GET /clients/{clientid} 200 link KickClient: no operation 'kickEveryone'"]


def test_links_let_a_client_be_followed_to_every_per_client_operation(document: dict[str, Any]) -> None:
    def targets(path: str, method: str, status: str) -> set[str]:
        links = document["paths"][path][method]["responses"][status]["links"]
        return {link["operationId"] for link in links.values()}

    assert targets("/clients", "get", "200") >= {"getClient", "kickClient", "subscribe", "unsubscribe"}
    assert targets("/clients/{clientid}", "get", "200") >= {"kickClient", "subscribe", "unsubscribe"}
    assert targets("/clients/{clientid}/subscribe", "post", "200") >= {"getClient", "unsubscribe"}


def test_spec_served_by_the_app_is_the_file(client: Any, document: dict[str, Any]) -> None:
    served = client.get("/api/v5/openapi.json")
    assert served.status_code == 200
    assert set(json.loads(served.text)["paths"]) == set(document["paths"])
