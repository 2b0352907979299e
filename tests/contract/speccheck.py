"""Checks of the contract document itself, each returning the problems it finds, named."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from openapi_schema_validator import OAS30Validator

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def resolve(document: dict[str, Any], node: Any) -> Any:
    """`node` with every local `$ref` replaced by what it points to (the spec has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(document, target)
        return {key: resolve(document, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(document, item) for item in node]
    return node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(path, method, operation, parameters including the path-level ones), all resolved."""
    for path, item in document["paths"].items():
        item = resolve(document, item)
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                operation = item[method]
                yield path, method, operation, shared + operation.get("parameters", [])


def _examples(where: str, holder: dict[str, Any], schema: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    if "example" in holder:
        yield where, holder["example"], schema
    for name, example in holder.get("examples", {}).items():
        yield f"{where} examples/{name}", example["value"], schema


def all_examples(document: dict[str, Any]) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Every example of the spec with the schema it must satisfy, named by where it stands."""
    for path, method, operation, parameters in operations(document):
        for parameter in parameters:
            yield from _examples(
                f"{method.upper()} {path} parameter {parameter['name']}", parameter, parameter["schema"]
            )
        body = operation.get("requestBody", {}).get("content", {})
        for media, content in body.items():
            yield from _examples(f"{method.upper()} {path} request {media}", content, content["schema"])
        for status, response in operation["responses"].items():
            for media, content in response.get("content", {}).items():
                yield from _examples(f"{method.upper()} {path} {status} {media}", content, content["schema"])
    for name, schema in document["components"]["schemas"].items():
        resolved = resolve(document, schema)
        yield from _examples(f"schema {name}", resolved, resolved)
        for prop, sub in resolved.get("properties", {}).items():
            yield from _examples(f"schema {name}.{prop}", sub, sub)


def example_problems(document: dict[str, Any]) -> list[str]:
    problems = []
    for where, value, schema in all_examples(document):
        validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
        for error in validator.iter_errors(value):
            problems.append(f"{where}: {error.message}")
    return problems


def link_problems(document: dict[str, Any]) -> list[str]:
    by_id = {op["operationId"]: (params, op) for _, _, op, params in operations(document)}
    problems = []
    for path, method, operation, _ in operations(document):
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                where = f"{method.upper()} {path} {status} link {name}"
                target = by_id.get(link.get("operationId", ""))
                if target is None:
                    problems.append(f"{where}: no operation {link.get('operationId')!r}")
                    continue
                known = {param["name"] for param in target[0]}
                for param in link.get("parameters", {}):
                    if param not in known:
                        problems.append(f"{where}: {link['operationId']} has no parameter {param!r}")
                if "requestBody" in link and "requestBody" not in target[1]:
                    problems.append(f"{where}: {link['operationId']} takes no request body")
    return problems


def mutated(document: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A deep copy of `document` with the node at `path` replaced by `value`."""
    changed = copy.deepcopy(document)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed
