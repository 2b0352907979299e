"""The operations of a spec by method and path, for the journal and for 405's Allow header."""

from __future__ import annotations

import re
from typing import Any

from simulator.spec import path_methods


class Routes:
    """Matches a request's method and path to the spec's operationIds."""

    def __init__(self, document: dict[str, Any], base_path: str) -> None:
        self._templates: list[tuple[re.Pattern[str], dict[str, str]]] = []
        for path, methods in path_methods(document).items():
            pattern = re.compile("^" + re.escape(base_path) + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
            item = document["paths"][path]
            self._templates.append((pattern, {method: item[method.lower()]["operationId"] for method in methods}))

    def allowed(self, path: str) -> list[str]:
        """The methods the spec declares for `path`, or none when it declares no such path."""
        for pattern, operations in self._templates:
            if pattern.match(path):
                return list(operations)
        return []

    def operation(self, method: str, path: str) -> str | None:
        for pattern, operations in self._templates:
            if pattern.match(path):
                return operations.get(method.upper())
        return None
