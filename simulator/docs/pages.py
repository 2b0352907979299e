"""Writes the reference: an HTML page and a Markdown file per contract, an index, and the resolved specs."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from simulator import spec
from simulator.docs.markdown import html, markdown
from simulator.docs.reference import Reference, read, resolved

CONTRACTS: list[tuple[Path, str, tuple[str, ...]]] = [
    (spec.CLIENTS_SPEC, "clients", ()),
    (spec.EMQX5_SPEC, "emqx5", ("--dialect", "emqx5")),
    (spec.CONTROL_SPEC, "control", ()),
]
"""Each contract, the name of its pages, and the `emqx-sim serve` flags of the simulator its samples run against."""


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it: the pure-Python one takes seconds over the three specs."""


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("simulator", "templates"),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["html"] = lambda text: html(str(text))
    env.filters["markdown"] = lambda text: markdown(str(text))
    env.filters["markdown_cell"] = lambda text: _cell(markdown(str(text), cell=True))
    return env


def references(contracts: list[tuple[Path, str, tuple[str, ...]]] | None = None) -> list[Reference]:
    return [read(path, slug, flags) for path, slug, flags in contracts or CONTRACTS]


def write(out: Path, contracts: list[tuple[Path, str, tuple[str, ...]]] | None = None) -> list[Path]:
    """Write the HTML pages, the Markdown files and the resolved specs into `out`; return the files written."""
    contracts = contracts or CONTRACTS
    pages = references(contracts)
    env = _environment()
    (out / "openapi").mkdir(parents=True, exist_ok=True)
    written = [out / "index.html"]
    written[0].write_text(env.get_template("index.html.j2").render(references=pages), encoding="utf-8")
    for reference, (path, slug, _) in zip(pages, contracts, strict=True):
        page = out / reference.page
        page.write_text(
            env.get_template("page.html.j2").render(reference=reference, references=pages), encoding="utf-8"
        )
        text = out / f"{slug}-api.md"
        text.write_text(
            env.get_template("reference.md.j2").render(reference=reference, references=pages), encoding="utf-8"
        )
        bundled = resolved(path)
        as_json, as_yaml = out / "openapi" / f"{slug}.json", out / "openapi" / f"{slug}.yaml"
        as_json.write_text(json.dumps(bundled, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        as_yaml.write_text(
            yaml.dump(bundled, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
        )
        written += [page, text, as_json, as_yaml]
    return written
