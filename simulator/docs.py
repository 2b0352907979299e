"""API reference generated from the contract: self-contained HTML, Markdown, and the specs as JSON and YAML."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from simulator import spec

API_PLACEHOLDER = "{api}"
METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True, slots=True)
class Field:
    """One row of a field table: a dotted name (`data[].clientid`), a type, and what it means."""

    name: str
    type: str
    description: str
    required: bool = False


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
    codes: list[str]


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
    body_example: str | None
    responses: list[Response]
    curl: str

    @property
    def anchor(self) -> str:
        return f"op-{self.operation_id}"


@dataclass(frozen=True, slots=True)
class Reference:
    """One spec, read into what the templates show."""

    slug: str
    title: str
    version: str
    description: str
    base_path: str
    auth: str
    operations: list[Operation]
    errors: list[tuple[str, str, str]] = field(default_factory=list)


def resolve(document: dict[str, Any], node: Any, base: Path, files: dict[str, Any] | None = None) -> Any:
    """`node` with every `$ref` (local or to a sibling file) replaced by its target."""
    files = {} if files is None else files
    if isinstance(node, dict):
        if "$ref" in node:
            target_file, _, pointer = node["$ref"].partition("#")
            if target_file and target_file not in files:
                files[target_file] = spec.load(base / target_file)
            source = files[target_file] if target_file else document
            target: Any = source
            for part in pointer.lstrip("/").split("/") if pointer else []:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(source, target, base, files)
        return {key: resolve(document, value, base, files) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(document, item, base, files) for item in node]
    return node


def type_of(schema: dict[str, Any]) -> str:
    """A schema's type in words, with its bounds: `Integer (1..10000, default 100)`."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items", {})
        inner = "Objects" if items.get("type") == "object" or "properties" in items else type_of(items) + "s"
        words = f"Array of {inner}"
    elif "enum" in schema and kind in (None, "string", "integer"):
        words = f"Enum: {', '.join(str(value) for value in schema['enum'])}"
    elif kind is None and "anyOf" in schema:
        formats = [sub.get("format") for sub in schema["anyOf"] if sub.get("format")]
        words = "String (" + " or ".join(formats) + ")" if formats else "Any"
    else:
        words = {"integer": "Integer", "string": "String", "boolean": "Boolean", "number": "Number"}.get(
            str(kind), "Object"
        )
        formats = [schema["format"]] if schema.get("format") else []
        formats += [sub["format"] for sub in schema.get("anyOf", []) if sub.get("format")]
        if formats:
            words += f" ({' or '.join(formats)})"
    bounds = []
    if "minimum" in schema or "maximum" in schema:
        bounds.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if "minLength" in schema or "maxLength" in schema:
        bounds.append(f"length {schema.get('minLength', 0)}..{schema.get('maxLength', '')}")
    if "minItems" in schema or "maxItems" in schema:
        bounds.append(f"{schema.get('minItems', 0)}..{schema.get('maxItems', '')} items")
    if "default" in schema:
        bounds.append(f"default {json.dumps(schema['default'])}")
    if "pattern" in schema:
        bounds.append("pattern")
    if schema.get("nullable"):
        words += " or null"
    return f"{words} ({', '.join(bounds)})" if bounds else words


def fields_of(schema: dict[str, Any], prefix: str = "") -> list[Field]:
    """Every field of a schema, nested ones dotted as the published document writes them."""
    rows: list[Field] = []
    if schema.get("type") == "array" or "items" in schema:
        items = schema.get("items", {})
        if items.get("properties"):
            return fields_of(items, f"{prefix}[].")
        return rows
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        description = " ".join(str(sub.get("description", "")).split())
        if sub.get("pattern"):
            description += f" Pattern: `{sub['pattern']}`."
        rows.append(Field(f"{prefix}{name}", type_of(sub), description, name in required))
        nested = sub.get("items", sub) if sub.get("type") == "array" else sub
        if nested.get("properties"):
            rows.extend(fields_of(nested, f"{prefix}{name}{'[]' if sub.get('type') == 'array' else ''}."))
    return rows


def _example(content: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if "example" in content:
        found.append(("example", json.dumps(content["example"], indent=2, ensure_ascii=False)))
    for name, example in content.get("examples", {}).items():
        found.append((name, json.dumps(example.get("value"), indent=2, ensure_ascii=False)))
    return found


def _curl(method: str, path: str, base_path: str, body: str | None, parameters: list[dict[str, Any]]) -> str:
    url = API_PLACEHOLDER + base_path.removeprefix("/api/v5") + path
    for parameter in parameters:
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", str(parameter.get("example", "client_1")))
    parts = ["curl -u app_id:app_secret", f"-X {method.upper()}"]
    if body is not None:
        parts += [
            "-H 'Content-Type: application/json'",
            f"-d '{json.dumps(json.loads(body), separators=(', ', ': '))}'",
        ]
    return " ".join([*parts, url])


def read(path: Path, slug: str) -> Reference:
    """Everything the reference shows of the spec at `path`."""
    document = spec.load(path)
    resolved = resolve(document, document, path.parent)
    base_path = resolved["servers"][0]["url"]
    operations = []
    errors: dict[tuple[str, str], str] = {}
    for route, item in resolved["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            parameters = shared + op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            body_examples = _example(body) if body else []
            responses = []
            for status, response in op["responses"].items():
                content = response.get("content", {}).get("application/json", {})
                examples = _example(content)
                codes = sorted({json.loads(text).get("code") for _, text in examples if text.startswith("{")} - {None})
                for code in codes:
                    errors.setdefault((status, code), " ".join(response["description"].split()))
                headers = [
                    (name, " ".join(h.get("description", "").split()))
                    for name, h in response.get("headers", {}).items()
                ]
                responses.append(
                    Response(
                        status,
                        " ".join(response["description"].split()),
                        fields_of(content.get("schema", {})),
                        examples,
                        headers,
                        codes,
                    )
                )
            example_body = body_examples[0][1] if body_examples else None
            operations.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=route,
                    summary=op.get("summary", ""),
                    description=op.get("description", "").strip(),
                    tags=op.get("tags", []),
                    parameters=[
                        Parameter(
                            p["name"],
                            p["in"],
                            type_of(p.get("schema", {})),
                            bool(p.get("required")),
                            " ".join(str(p.get("description", "")).split()),
                        )
                        for p in parameters
                    ],
                    body_fields=fields_of(body["schema"]) if body else [],
                    body_example=example_body,
                    responses=responses,
                    curl=_curl(method, route, base_path, example_body, parameters),
                )
            )
    scheme = next(iter(resolved["components"]["securitySchemes"].values()))
    auth = f"HTTP {scheme['scheme'].capitalize()}: {' '.join(scheme.get('description', '').split())}"
    info = resolved["info"]
    error_rows = [(status, code, text) for (status, code), text in sorted(errors.items())]
    return Reference(slug, info["title"], info["version"], info.get("description", "").strip(), base_path, auth,
                     operations, error_rows)  # fmt: skip


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("simulator", "templates"),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    env.filters["inline"] = _inline_code
    return env


def _inline_code(text: str) -> Markup:
    """HTML-escaped text in which Markdown's `code` spans become <code> elements."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def write(out: Path, specs: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Write the HTML and Markdown references and the specs as JSON and YAML into `out`; return the files."""
    specs = specs or [(spec.CLIENTS_SPEC, "clients"), (spec.EMQX5_SPEC, "emqx5"), (spec.CONTROL_SPEC, "control")]
    references = [read(path, slug) for path, slug in specs]
    env = _environment()
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "index.html"]
    (out / "index.html").write_text(
        env.get_template("reference.html.j2").render(references=references), encoding="utf-8"
    )
    markdown = env.get_template("reference.md.j2")
    for reference, (path, slug) in zip(references, specs, strict=True):
        target = out / f"{slug}-api.md"
        target.write_text(markdown.render(reference=reference), encoding="utf-8")
        bundled = resolve(spec.load(path), spec.load(path), path.parent)
        (out / "openapi").mkdir(exist_ok=True)
        (out / "openapi" / f"{slug}.json").write_text(
            json.dumps(bundled, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out / "openapi" / f"{slug}.yaml").write_text(
            yaml.safe_dump(bundled, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
        )
        written += [target, out / "openapi" / f"{slug}.json", out / "openapi" / f"{slug}.yaml"]
    return written
