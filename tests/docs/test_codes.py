"""Every EMQX error code of a contract has its own status and explanation, in the contract, and one source for both
the reference and `openapi/README.md`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from simulator import spec
from simulator.docs import CONTRACTS
from simulator.docs.codes import error_codes, markdown_table
from simulator.docs.reference import resolved

README = spec.SPEC_DIR / "README.md"


def _named_by_examples(document: dict[str, Any]) -> dict[str, set[int]]:
    """Each code the contract's error examples name, with the statuses it is answered with."""
    named: dict[str, set[int]] = {}
    for item in document["paths"].values():
        for key, op in item.items():
            if key == "parameters":
                continue
            for status, response in op["responses"].items():
                content = response.get("content", {}).get("application/json", {})
                examples = [content.get("example"), *(e.get("value") for e in content.get("examples", {}).values())]
                for example in examples:
                    if isinstance(example, dict) and set(example) == {"code", "message"}:
                        named.setdefault(example["code"], set()).add(int(status))
    return named


@pytest.mark.parametrize("path", [path for path, _, _ in CONTRACTS], ids=lambda path: path.stem)
def test_every_code_has_its_own_explanation_and_status(path: Path) -> None:
    document = resolved(path)
    rows = {row.code: row for row in error_codes(document)}
    enum = set(
        document["components"].get("schemas", {}).get("Error", {}).get("properties", {}).get("code", {}).get("enum", [])
    )
    assert enum <= set(rows), f"codes without an explanation: {enum - set(rows)}"
    for code, statuses in _named_by_examples(document).items():
        assert code in rows, code
        assert statuses == {rows[code].status}, code
    explanations = [row.when for row in rows.values()]
    assert all(len(when) > 20 for when in explanations)
    assert len(set(explanations)) == len(explanations), "two codes share an explanation"


@pytest.mark.parametrize(("heading", "path"), [
    ("## Codes the simulator answers with", spec.CLIENTS_SPEC),
    ("### Codes of the EMQX 5 dialect", spec.EMQX5_SPEC),
])  # fmt: skip
def test_the_readme_tables_are_the_contracts(heading: str, path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    after = text[text.index(heading) :]
    table = re.search(r"^\| status \| code \| when \|\n(?:\|.*\n?)+", after, flags=re.MULTILINE)
    assert table is not None
    expected = markdown_table(error_codes(resolved(path)))
    assert table.group(0).strip() == expected, f"openapi/README.md, under {heading!r}, should read:\n{expected}"
