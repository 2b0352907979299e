"""Schemas in the published document's words: a type with its bounds, and the dotted rows of a field table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from simulator.docs.markdown import code_span


@dataclass(frozen=True, slots=True)
class Field:
    """One row of a field table: a dotted name (`data[].clientid`), a type, and what it means (CommonMark)."""

    name: str
    type: str
    description: str
    required: bool = False


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


def described(schema: dict[str, Any]) -> str:
    """A schema's description, with its pattern (if any) as a last paragraph."""
    text = str(schema.get("description", "")).strip()
    if schema.get("pattern"):
        text += f"\n\nPattern: {code_span(schema['pattern'])}."
    return text.strip()


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
        rows.append(Field(f"{prefix}{name}", type_of(sub), described(sub), name in required))
        nested = sub.get("items", sub) if sub.get("type") == "array" else sub
        if nested.get("properties"):
            rows.extend(fields_of(nested, f"{prefix}{name}{'[]' if sub.get('type') == 'array' else ''}."))
    return rows
