"""Request validation against the contract: query and path parameters, and JSON bodies, with EMQX errors.

Validators are compiled once per schema. Values are typed as connexion types them (`connexion.utils`), and
checked with jsonschema; jsonschema_rs answers first where a schema uses none of the keywords whose meaning
differs between the two (formats, regular expressions, OpenAPI's `nullable`/`readOnly`/`writeOnly`), since it is
about ten times faster at saying "valid", and jsonschema explains what is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import jsonschema_rs
from connexion.exceptions import TypeValidationError
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import coerce_type
from jsonschema import Draft4Validator, ValidationError

from simulator.domain.errors import InvalidFilterValue
from simulator.domain.topic import parse_filter
from simulator.error_codes import BAD_REQUEST, Code

CONVERTED_PARAMETERS = {"ip_address": "ip", "proto_ver": "integer"}
"""Parameters EMQX converts in its handler, answering INVALID_PARAMETER rather than BAD_REQUEST."""
UNSHARED_KEYWORDS = ("'format'", "'pattern'", "'nullable'", "'readOnly'", "'writeOnly'")
"""Keywords jsonschema_rs reads otherwise than connexion's jsonschema validators, or not at all."""
PARSED_QUERIES = 1024
"""Query strings whose parsed arguments each operation remembers (a page asked again costs a lookup)."""


class Check:
    """One schema's validator, compiled once."""

    def __init__(
        self, schema: dict[str, Any], kind: type[Draft4Validator] = Draft4Validator, patterns_checked: bool = False
    ) -> None:
        """`patterns_checked`: what a `pattern` says is checked again after validation (a topic filter's rules,
        by the domain), so jsonschema_rs may answer for schemas with one."""
        self.schema = schema
        self.full = kind(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        shown = repr(schema)
        unshared = [keyword for keyword in UNSHARED_KEYWORDS if not (patterns_checked and keyword == "'pattern'")]
        quick = not any(keyword in shown for keyword in unshared)
        self.quick = jsonschema_rs.Draft4Validator(schema) if quick else None

    def first_error(self, value: Any) -> ValidationError | None:
        if self.quick is not None:
            try:
                if self.quick.is_valid(value):
                    return None
            except (ValueError, OverflowError):
                pass
        return next(iter(self.full.iter_errors(value)), None)

    def errors(self, value: Any) -> list[ValidationError]:
        """Every error, in document order (array items by index)."""
        if self.first_error(value) is None:
            return []
        return sorted(self.full.iter_errors(value), key=_position)


class Parameter:
    """A declared query or path parameter: typed and checked as the contract says."""

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.name: str = declared["name"]
        self.location: str = declared["in"]
        self.required = bool(declared.get("required"))
        self.array = declared["schema"].get("type") == "array"
        self.invalid: dict[str, str] | None = declared.get("x-invalid")
        """The error a value that breaks the schema gets, where the server answers its own (`{code, message}`)."""
        self.check = Check(declared["schema"])

    def value(self, given: str | list[str] | None) -> Any:
        """The typed value of what the request gave; raise an EMQX error when it breaks the schema."""
        if given is None:
            if self.required:
                raise BAD_REQUEST.error(f"missing {self.location} parameter: {self.name}")
            return None
        try:
            value = coerce_type(self.declared, given, self.location, self.name)
        except TypeValidationError:
            value = given
        error = self.check.first_error(value)
        if error is None:
            return value
        if self.invalid is not None:
            raise Code(400, self.invalid["code"]).error(self.invalid["message"])
        if self.name in CONVERTED_PARAMETERS:
            raise InvalidFilterValue(self.name, CONVERTED_PARAMETERS[self.name], str(value))
        raise BAD_REQUEST.error(f"{self.name}: {_first_line(error)}")


class Parameters:
    """The query and path parameters of one operation. `strict`: an unknown query parameter, or a single-valued
    one given twice, is a 400; otherwise unknown ones are ignored and the last of a repeated one is kept."""

    def __init__(self, declared: list[dict[str, Any]], strict: bool) -> None:
        self.strict = strict
        self.query = [Parameter(item) for item in declared if item["in"] == "query"]
        self.path = [Parameter(item) for item in declared if item["in"] == "path"]
        self._by_name = {parameter.name: parameter for parameter in self.query}
        self._order = {parameter.name: index for index, parameter in enumerate(self.query)}
        self._required = [parameter for parameter in self.query if parameter.required]
        self._parsed: dict[str, dict[str, Any]] = {}

    def parse(self, query_string: str, path_values: Mapping[str, str]) -> dict[str, Any]:
        """The typed arguments of a request: query parameters given, then path values."""
        arguments = self._parsed.get(query_string)
        if arguments is None:
            arguments = self._query(query_string)
            if len(self._parsed) >= PARSED_QUERIES:
                self._parsed.clear()
            self._parsed[query_string] = arguments
        arguments = dict(arguments)
        for parameter in self.path:
            arguments[parameter.name] = parameter.value(path_values.get(parameter.name))
        return arguments

    def _query(self, query_string: str) -> dict[str, Any]:
        """Checks in the contract's order: unknown names, repeated ones, then each parameter's value."""
        given: dict[str, list[str]] = {}
        unknown: set[str] = set()
        for name, text in parse_qsl(query_string, keep_blank_values=True) if query_string else ():
            if name in self._by_name:
                given.setdefault(name, []).append(text)
            else:
                unknown.add(name)
        if self.strict and unknown:
            raise BAD_REQUEST.error(f"unknown query parameter: {', '.join(sorted(unknown))}")
        names = sorted(given, key=self._order.__getitem__)
        if self.strict:
            for name in names:
                if len(given[name]) > 1 and not self._by_name[name].array:
                    raise BAD_REQUEST.error(f"query parameter given more than once: {name}")
        for parameter in self._required:
            if parameter.name not in given:
                parameter.value(None)
        arguments: dict[str, Any] = {}
        # A parameter the server decodes itself (`x-invalid`) is looked at after every other one.
        for name in sorted(names, key=lambda name: self._by_name[name].invalid is not None):
            parameter = self._by_name[name]
            arguments[name] = parameter.value(given[name] if parameter.array else given[name][-1])
        return {name: arguments[name] for name in names}


class BodySchema:
    """The JSON request body of one operation: required or not, and its schema."""

    def __init__(self, request_body: dict[str, Any]) -> None:
        self.required = bool(request_body.get("required"))
        self.media_types = tuple(media.lower() for media in request_body.get("content", {}))
        content = request_body.get("content", {}).get("application/json", {})
        self.check = Check(content.get("schema", {}), Draft4RequestValidator, patterns_checked=True)

    def validate(self, body: Any) -> None:
        """Raise an EMQX error when `body` (parsed JSON) breaks the schema; a topic filter that breaks an MQTT
        rule is named with the rule."""
        if body is None:
            raise BAD_REQUEST.error("Request body must not be empty")
        errors = self.check.errors(body)
        if not errors:
            return
        for error in errors:
            _explain(error)
        error = errors[0]
        where = "/".join(str(part) for part in error.absolute_path)
        raise BAD_REQUEST.error(f"{where or 'body'}: {_first_line(error)}")


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
