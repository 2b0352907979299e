"""Request validation against the contract, with EMQX error codes and messages (connexion validators)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import parse_qsl

from connexion.json_schema import Draft4RequestValidator
from connexion.validators import JSONRequestBodyValidator
from connexion.validators import ParameterValidator as ConnexionParameterValidator
from jsonschema import Draft4Validator, ValidationError
from starlette.types import Scope

from simulator.domain.client import SubOpts
from simulator.domain.errors import InvalidFilterValue
from simulator.domain.subscription import SubscribeRequest, check_subscribe
from simulator.domain.topic import parse_filter
from simulator.errors import bad_request

CONVERTED_PARAMETERS = {"ip_address": "ip", "proto_ver": "integer"}
"""Parameters EMQX converts in its handler, answering INVALID_PARAMETER rather than BAD_REQUEST."""

_compiled: dict[int, tuple[dict[str, Any], Draft4Validator]] = {}


def validator(schema: dict[str, Any], kind: type[Draft4Validator] = Draft4Validator) -> Draft4Validator:
    """A validator built once per schema of the loaded spec."""
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, kind(schema, format_checker=Draft4Validator.FORMAT_CHECKER))
        _compiled[id(schema)] = entry
    return entry[1]


def _position(error: ValidationError) -> list[tuple[int, int, str]]:
    """Sort key putting errors in document order (array items by index)."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path]


def _first_line(error: ValidationError) -> str:
    return str(error.message).splitlines()[0]


def _explain(error: ValidationError) -> None:
    """Raise the domain's own error, naming the MQTT rule, where a schema error is a topic-filter rule."""
    instance = error.instance
    if list(error.absolute_path)[-1:] == ["topic"] and isinstance(instance, str):
        parse_filter(instance)
    elif error.validator == "anyOf" and isinstance(instance, dict) and isinstance(instance.get("topic"), str):
        check_subscribe(SubscribeRequest(instance["topic"], SubOpts(nl=1 if instance.get("nl") == 1 else 0)))


class ParameterValidator(ConnexionParameterValidator):  # type: ignore[misc]
    """Query and path parameters: unknown names, types and bounds, each with an EMQX error."""

    def validate_request(self, request: Any) -> None:
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, security_params=self.security_query_params)
            if extra:
                raise bad_request(f"unknown query parameter: {', '.join(sorted(extra))}")
            given = Counter(name for name, _ in parse_qsl(request.scope["query_string"].decode("latin-1"),
                                                          keep_blank_values=True))  # fmt: skip
            for param in self.parameters.get("query", []):
                if given[param["name"]] > 1 and param["schema"].get("type") != "array":
                    raise bad_request(f"query parameter given more than once: {param['name']}")
        for location, values in (("query", request.query_params), ("path", request.path_params)):
            for param in self.parameters.get(location, []):
                self.check(param, values.get(param["name"]))

    @staticmethod
    def check(param: dict[str, Any], value: Any) -> None:
        name = param["name"]
        if value is None:
            if param.get("required"):
                raise bad_request(f"missing {param['in']} parameter: {name}")
            return
        error = next(iter(validator(param["schema"]).iter_errors(value)), None)
        if error is None:
            return
        if name in CONVERTED_PARAMETERS:
            raise InvalidFilterValue(name, CONVERTED_PARAMETERS[name], str(value))
        raise bad_request(f"{name}: {_first_line(error)}")


class JsonBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """JSON bodies: encoding, syntax and schema; a topic filter that breaks a rule names the rule."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        try:
            return json.loads(raw.decode(self._encoding))
        except (UnicodeDecodeError, LookupError):
            raise bad_request(f"Request body is not valid {self._encoding}") from None
        except (ValueError, RecursionError):
            raise bad_request("Invalid json message received") from None

    def _validate(self, body: Any) -> None:
        if body is None:
            raise bad_request("Request body must not be empty")
        errors = sorted(validator(self._schema, Draft4RequestValidator).iter_errors(body), key=_position)
        if not errors:
            return
        for error in errors:
            _explain(error)
        error = errors[0]
        where = "/".join(str(part) for part in error.absolute_path)
        raise bad_request(f"{where or 'body'}: {_first_line(error)}")
