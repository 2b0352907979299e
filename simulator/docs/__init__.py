"""The API reference generated from the contracts: HTML pages, Markdown, and the specs as JSON and YAML."""

from __future__ import annotations

from simulator.docs.pages import CONTRACTS, references, write

__all__ = ["CONTRACTS", "references", "write"]
