"""The EMQX error codes a contract answers with, each with its status and its own explanation, from the contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.docs.markdown import markdown

EXTENSION = "x-code-descriptions"


@dataclass(frozen=True, slots=True)
class ErrorCode:
    status: int
    code: str
    when: str
    """CommonMark."""


def error_codes(document: dict[str, Any]) -> list[ErrorCode]:
    """The codes of a resolved contract, by status: its `components` carry them when it borrows another
    contract's `Error` schema (the control API), its `Error` schema's `code` otherwise."""
    components = document["components"]
    table = components.get(EXTENSION) or components["schemas"]["Error"]["properties"]["code"][EXTENSION]
    rows = [ErrorCode(int(entry["status"]), code, str(entry["when"]).strip()) for code, entry in table.items()]
    return sorted(rows, key=lambda row: row.status)


def markdown_table(rows: list[ErrorCode]) -> str:
    """The codes as the table of `openapi/README.md`."""
    lines = ["| status | code | when |", "|---|---|---|"]
    lines += [
        f"| {row.status} | `{row.code}` | {markdown(row.when, cell=True).replace('|', chr(92) + '|')} |" for row in rows
    ]
    return "\n".join(lines)
