"""One contract, resolved by connexion, read into what a reference page shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import spec
from simulator.docs.calls import METHODS, call_of
from simulator.docs.codes import ErrorCode, error_codes
from simulator.docs.fields import Field, described, fields_of, type_of
from simulator.docs.samples import Sample, samples


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    description: str
    fields: list[Field]
    examples: list[tuple[str, str]]
    headers: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    tags: list[str]
    parameters: list[Parameter]
    body_fields: list[Field]
    responses: list[Response]
    samples: list[Sample]
    status: str
    """The status every sample answers on a freshly started simulator."""

    @property
    def anchor(self) -> str:
        return f"op-{self.operation_id}"

    @property
    def search(self) -> str:
        """What the page's filter matches: the operation's names, path and fields, lower case."""
        names = [self.operation_id, self.method, self.path, self.summary, *self.tags]
        names += [p.name for p in self.parameters] + [f.name for f in self.body_fields]
        names += [f.name for r in self.responses for f in r.fields]
        return " ".join(dict.fromkeys(names)).lower()


@dataclass(frozen=True, slots=True)
class Reference:
    """One contract, as its page shows it."""

    slug: str
    title: str
    version: str
    description: str
    base_path: str
    auth: str
    flags: tuple[str, ...]
    """The `emqx-sim serve` flags of the simulator the samples run against."""
    operations: list[Operation]
    errors: list[ErrorCode]

    @property
    def serve(self) -> str:
        """The command that starts the simulator the samples run against."""
        return f'make serve ARGS="{" ".join(self.flags)}"' if self.flags else "make serve"

    @property
    def page(self) -> str:
        return f"{self.slug}.html"


def resolved(path: Path) -> dict[str, Any]:
    """The contract at `path` with every `$ref` resolved, as connexion loads it; a copy in which no two places
    share an object (connexion's is shared with the app, and YAML would write shared objects as aliases)."""
    document: dict[str, Any] = json.loads(json.dumps(spec.specification(path).spec))
    return document


def _examples(content: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if "example" in content:
        found.append(("example", json.dumps(content["example"], indent=2, ensure_ascii=False)))
    for name, example in content.get("examples", {}).items():
        found.append((name, json.dumps(example.get("value"), indent=2, ensure_ascii=False)))
    return found


def _response(status: str, response: dict[str, Any]) -> Response:
    content = response.get("content", {}).get("application/json", {})
    headers = [
        (name, str(header.get("description", "")).strip()) for name, header in response.get("headers", {}).items()
    ]
    return Response(
        status, response["description"].strip(), fields_of(content.get("schema", {})), _examples(content), headers
    )


def _operation(document: dict[str, Any], route: str, method: str) -> Operation:
    item = document["paths"][route]
    op = item[method]
    parameters = [*item.get("parameters", []), *op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    call, prelude = call_of(document, route, method)
    return Operation(
        operation_id=op["operationId"],
        method=method.upper(),
        path=route,
        summary=op.get("summary", ""),
        description=op.get("description", "").strip(),
        tags=op.get("tags", []),
        parameters=[
            Parameter(p["name"], p["in"], type_of(p.get("schema", {})), bool(p.get("required")), described(p))
            for p in parameters
        ],
        body_fields=fields_of(body["schema"]) if body else [],
        responses=[_response(status, response) for status, response in op["responses"].items()],
        samples=samples(call, prelude),
        status=next(status for status in op["responses"] if status.startswith("2")),
    )


def read(path: Path, slug: str, flags: tuple[str, ...] = ()) -> Reference:
    """Everything the reference shows of the contract at `path`; its samples run against `serve` with `flags`."""
    document = resolved(path)
    operations = [
        _operation(document, route, method)
        for route, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]
    scheme = next(iter(document["components"]["securitySchemes"].values()))
    auth = f"HTTP {scheme['scheme'].capitalize()}: {scheme.get('description', '').strip()}"
    info = document["info"]
    return Reference(slug, info["title"], info["version"], info.get("description", "").strip(),
                     document["servers"][0]["url"], auth, flags, operations, error_codes(document))  # fmt: skip
