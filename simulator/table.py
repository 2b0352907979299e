"""The operation table: every operation of the served contracts by method and path, compiled once at start.

It serves routing (404, and 405 with `Allow`), fault rules, the journal and the docs alike: each operation
carries its operationId, its handler (resolved by connexion's resolver), its parameter parser, its body
schema and its response schemas.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import unquote

from connexion.json_schema import Draft4ResponseValidator
from connexion.resolver import Resolver
from connexion.spec import Specification

from simulator.reply import Reply
from simulator.validation import BodySchema, Check, Parameters

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Handler = Callable[..., Reply | Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Api:
    """One served contract: where it lives, and whether it is the emulated API (journaled, faults apply)."""

    name: str
    base_path: str
    emulated: bool


@dataclass(frozen=True, slots=True)
class Operation:
    api: Api
    operation_id: str
    method: str
    template: str
    handler: Handler
    parameters: Parameters
    body: BodySchema | None
    responses: Mapping[int, Check]
    """The check of each status's JSON body."""
    security: tuple[str, ...]
    """The HTTP authentication schemes any of which it takes (`basic`, `bearer`); none: it is open."""


class Route(NamedTuple):
    """What a path matched: its API, its operations by method (none for an unknown path) and path values."""

    api: Api | None
    operations: Mapping[str, Operation]
    values: dict[str, str]


class _Named(NamedTuple):
    """What connexion's resolvers read of an operation."""

    operation_id: str
    router_controller: str | None


_NOWHERE = Route(None, {}, {})


@dataclass(frozen=True, slots=True)
class _Template:
    """A path with values in it: literal segments, None where a value stands, and the values' names."""

    segments: tuple[str | None, ...]
    names: tuple[str, ...]
    operations: dict[str, Operation]

    def values(self, parts: list[str]) -> dict[str, str] | None:
        """The values `parts` (decoded segments) give, or None when they do not fit this template."""
        if len(parts) != len(self.segments):
            return None
        found: list[str] = []
        for literal, part in zip(self.segments, parts, strict=True):
            if literal is None:
                if not part:
                    return None
                found.append(part)
            elif part != literal:
                return None
        return dict(zip(self.names, found, strict=True))


@dataclass(frozen=True, slots=True)
class _Paths:
    """The paths of one API: its base as segments, literal paths by their segments, and templates."""

    api: Api
    base: tuple[str, ...]
    exact: dict[tuple[str, ...], dict[str, Operation]]
    templates: list[_Template]


class Table:
    """Operations by method and path, for every API added."""

    def __init__(self) -> None:
        self._paths: list[_Paths] = []
        self._operations: list[Operation] = []

    def add_api(self, api: Api, specification: Specification, resolver: Resolver, strict: bool) -> None:
        """Compile every operation of `specification`, resolving each operationId with `resolver`."""
        paths = _Paths(api, tuple(api.base_path.strip("/").split("/")), {}, [])
        for template, item in specification["paths"].items():
            shared = item.get("parameters", [])
            by_method: dict[str, Operation] = {}
            for verb in (verb for verb in item if verb in METHODS):
                spec = item[verb]
                declared = {(p["name"], p["in"]): p for p in [*shared, *spec.get("parameters", [])]}
                body = spec.get("requestBody")
                named = _Named(spec["operationId"], spec.get("x-openapi-router-controller"))
                by_method[verb.upper()] = Operation(
                    api=api,
                    operation_id=spec["operationId"],
                    method=verb.upper(),
                    template=template,
                    handler=resolver.resolve(named).function,
                    parameters=Parameters(list(declared.values()), strict),
                    body=None if body is None else BodySchema(body),
                    responses=_response_checks(spec.get("responses", {})),
                    security=_schemes(specification, spec),
                )
            self._operations.extend(by_method.values())
            parts = template.strip("/").split("/")
            if "{" not in template:
                paths.exact[tuple(parts)] = by_method
                continue
            segments = tuple(None if part.startswith("{") else part for part in parts)
            names = tuple(part[1:-1] for part in parts if part.startswith("{"))
            paths.templates.append(_Template(segments, names, by_method))
        self._paths.append(paths)
        # The longest base path first: the control API's lies inside the emulated API's.
        self._paths.sort(key=lambda entry: -len(entry.base))

    def route(self, path: str) -> Route:
        """The API and operations of a raw (still percent-encoded) path, read as EMQX's HTTP server (cowboy)
        reads it: each segment decoded on its own (so `%2F` stays inside a path value), dot segments resolved,
        and a trailing slash ignored."""
        parts = segments_of(path)
        for paths in self._paths:
            size = len(paths.base)
            if tuple(parts[:size]) != paths.base:
                continue
            rest = parts[size:]
            operations = paths.exact.get(tuple(rest))
            if operations is not None:
                return Route(paths.api, operations, {})
            for template in paths.templates:
                values = template.values(rest)
                if values is not None:
                    return Route(paths.api, template.operations, values)
            return Route(paths.api, {}, {})
        return _NOWHERE

    def operations(self) -> list[Operation]:
        """Every operation, in the order of the APIs added and of their specs."""
        return list(self._operations)

    def find(self, operation_id: str) -> Operation:
        return next(operation for operation in self._operations if operation.operation_id == operation_id)


def segments_of(path: str) -> list[str]:
    """The decoded segments of a raw path, without a trailing empty one, dot segments (`.`, `%2E`) resolved
    after decoding (RFC 3986), as cowboy does."""
    parts = path.split("/")[1:]
    if parts and parts[-1] == "":
        parts.pop()
    if "%" in path:
        parts = [unquote(part, errors="surrogateescape") for part in parts]
    if "." not in parts and ".." not in parts:
        return parts
    resolved: list[str] = []
    for part in parts:
        if part == "..":
            if resolved:
                resolved.pop()
        elif part != ".":
            resolved.append(part)
    return resolved


def _schemes(specification: Specification, operation: Mapping[str, Any]) -> tuple[str, ...]:
    """The `scheme`s of the HTTP security schemes an operation accepts (its own `security`, or the document's)."""
    requirements = operation.get("security", specification.get("security", []))
    declared = specification.get("components", {}).get("securitySchemes", {})
    return tuple(
        dict.fromkeys(declared[name]["scheme"].lower() for requirement in requirements for name in requirement)
    )


def _response_checks(responses: Mapping[str, Any]) -> dict[int, Check]:
    checks: dict[int, Check] = {}
    for status, response in responses.items():
        content = response.get("content", {}).get("application/json")
        if status.isdigit() and content is not None and "schema" in content:
            checks[int(status)] = Check(content["schema"], Draft4ResponseValidator)
    return checks
