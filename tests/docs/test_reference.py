"""The generated reference covers the whole contract, derived from the spec, and is the same on every run."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.docs import CONTRACTS
from simulator.docs.codes import error_codes
from simulator.docs.markdown import html, markdown
from simulator.docs.reference import resolved

SPECS = [(path, slug) for path, slug, _ in CONTRACTS]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _operations(path: Path) -> list[tuple[str, str, dict[str, object], list[dict[str, object]]]]:
    found = []
    for route, item in resolved(path)["paths"].items():
        for method in ("get", "put", "post", "delete"):
            if method in item:
                op = item[method]
                found.append((method.upper(), route, op, item.get("parameters", []) + op.get("parameters", [])))
    return found


def _schema_fields(schema: dict[str, object], prefix: str = "") -> set[str]:
    names: set[str] = set()
    items = schema.get("items")
    if isinstance(items, dict):
        return _schema_fields(items, f"{prefix}[].") if items.get("properties") else names
    for name, sub in (schema.get("properties") or {}).items():  # type: ignore[attr-defined]
        names.add(f"{prefix}{name}")
        nested = sub.get("items", sub) if sub.get("type") == "array" else sub
        if nested.get("properties"):
            names |= _schema_fields(nested, f"{prefix}{name}{'[]' if sub.get('type') == 'array' else ''}.")
    return names


def _expected_names(path: Path) -> set[str]:
    """Every operation, parameter and (nested) field of the spec at `path`."""
    names: set[str] = set()
    for _, _, op, parameters in _operations(path):
        names.add(str(op["operationId"]))
        names |= {str(p["name"]) for p in parameters}
        body = op.get("requestBody", {}).get("content", {}).get("application/json")  # type: ignore[attr-defined]
        if body:
            names |= _schema_fields(body["schema"])
        for response in op["responses"].values():  # type: ignore[attr-defined]
            content = response.get("content", {}).get("application/json")
            if content:
                names |= _schema_fields(content["schema"])
    return names


class _Cells(HTMLParser):
    """The text of every `td.field-name` cell and every operation section's id."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.operations: list[tuple[str, str, str]] = []
        self._in_name = False
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "td" and attributes.get("class") == "field-name":
            self._in_name, self._text = True, ""
        if tag == "section" and attributes.get("class") == "operation":
            self.operations.append(
                (str(attributes["data-operation-id"]), str(attributes["data-method"]), str(attributes["data-path"]))
            )
        if tag == "span" and self._in_name:
            self.names.add(self._text.strip())
            self._in_name = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._in_name:
            self.names.add(self._text.strip())
            self._in_name = False

    def handle_data(self, data: str) -> None:
        if self._in_name:
            self._text += data


@pytest.mark.parametrize(("path", "slug"), SPECS)
def test_each_contract_has_a_page_with_every_operation_parameter_and_field(site: Path, path: Path, slug: str) -> None:
    cells = _Cells()
    cells.feed((site / f"{slug}.html").read_text(encoding="utf-8"))
    expected = {(str(op["operationId"]), method, route) for method, route, op, _ in _operations(path)}
    assert set(cells.operations) == expected
    assert len(cells.operations) == len(expected)
    names = _expected_names(path) - {str(op["operationId"]) for _, _, op, _ in _operations(path)}
    assert names - cells.names == set(), f"{path.name}: missing from {slug}.html"


def test_the_pages_link_to_each_other(site: Path) -> None:
    pages = ["index.html", *(f"{slug}.html" for _, slug in SPECS)]
    for page in pages:
        links = set(re.findall(r'href="([^"#]+\.html)"', (site / page).read_text(encoding="utf-8")))
        assert links == set(pages), page
    for _, slug in SPECS:
        text = (site / f"{slug}-api.md").read_text(encoding="utf-8")
        assert set(re.findall(r"\]\(([a-z0-9]+-api\.md)\)", text)) == {f"{s}-api.md" for _, s in SPECS} - {
            f"{slug}-api.md"
        }


@pytest.mark.parametrize(("path", "slug"), SPECS)
def test_markdown_covers_every_operation_parameter_and_field(site: Path, path: Path, slug: str) -> None:
    text = (site / f"{slug}-api.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| ([^|]+?) \|", text, flags=re.MULTILINE))
    for method, route, op, _ in _operations(path):
        assert f"\n{method} {route}\n" in text, f"{method} {route}"
        assert f"## {op['summary']}" in text
    names = _expected_names(path) - {str(op["operationId"]) for _, _, op, _ in _operations(path)}
    assert {name.replace("|", "\\|") for name in names} - rows == set()
    assert "| Name | Type | Description |" in text


def test_markdown_keeps_the_published_documents_style(site: Path) -> None:
    text = (site / "clients-api.md").read_text(encoding="utf-8")
    assert "| data[].clientid | String | Client identifier. |" in text
    assert "| meta.hasnext | Boolean | Whether a later page holds at least one client. |" in text
    assert "curl -i -u app_id:app_secret -X GET http://127.0.0.1:18083/api/v5/clients\n" in text
    subscribe = """-X POST -H 'Content-Type: application/json' -d '{"topic": "t/a", "qos": 1}'"""
    assert f"curl -i -u app_id:app_secret {subscribe} http://127.0.0.1:18083/api/v5/clients/client_1/subscribe" in text
    for code in ("BAD_REQUEST", "INVALID_PARAMETER", "CLIENTID_NOT_FOUND", "AUTHORIZATION_HEADER_ERROR",
                 "BAD_API_KEY_OR_SECRET", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"):  # fmt: skip
        assert f"`{code}`" in text
    assert "HTTP Basic" in text


def test_html_needs_no_network(site: Path) -> None:
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), page.name
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html), page.name


def test_specs_are_written_whole_for_client_generators(site: Path) -> None:
    for _, slug in SPECS:
        as_json = json.loads((site / "openapi" / f"{slug}.json").read_text(encoding="utf-8"))
        as_yaml = yaml.load((site / "openapi" / f"{slug}.yaml").read_text(encoding="utf-8"), Loader=LOADER)
        assert as_json == as_yaml
        assert "$ref" not in json.dumps(as_json)
        from openapi_spec_validator import validate

        validate(as_json)


def test_generation_is_deterministic(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    assert main(["docs", "--out", str(again)]) == 0
    for path in sorted(site.rglob("*")):
        if path.is_file():
            assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize(("path", "slug"), SPECS)
def test_each_error_code_is_shown_once_with_its_own_explanation(site: Path, path: Path, slug: str) -> None:
    codes = error_codes(resolved(path))
    page = (site / f"{slug}.html").read_text(encoding="utf-8")
    table = page[page.index('<table class="errors">') : page.index("</table>", page.index('<table class="errors">'))]
    shown = re.findall(r"<tr><td>(\d+)</td><td><code>([A-Z_]+)</code></td><td>(.*?)</td></tr>", table, flags=re.S)
    assert shown == [(str(row.status), row.code, str(html(row.when))) for row in codes]
    text = (site / f"{slug}-api.md").read_text(encoding="utf-8")
    for row in codes:
        assert f"| {row.status} | `{row.code}` | {markdown(row.when, cell=True)} |" in text
