"""The shape of the code: the domain imports no web framework and reads no environment."""

from __future__ import annotations

import ast
from pathlib import Path

import simulator.domain

ALLOWED_ROOTS = {
    "__future__",
    "bisect",
    "collections",
    "functools",
    "itertools",
    "dataclasses",
    "datetime",
    "enum",
    "heapq",
    "ipaddress",
    "math",
} | {
    "random",
    "typing",
    "uuid",
    "faker",
    "numpy",
    "simulator",
}


def test_domain_is_pure() -> None:
    folder = Path(simulator.domain.__file__).parent
    for source in folder.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                if isinstance(node, ast.Attribute) and node.attr == "environ":
                    raise AssertionError(f"{source.relative_to(folder)} reads the environment")
                continue
            for name in names:
                root = name.split(".")[0]
                assert root in ALLOWED_ROOTS, f"{source.relative_to(folder)} imports {name}"
                if root == "simulator":
                    assert name.startswith("simulator.domain"), f"{source.relative_to(folder)} imports {name}"
