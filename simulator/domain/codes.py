"""Tables of distinct values and their codes, for the registry's columns of repeated strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Codes:
    """A table of distinct values and their small-integer codes, for columns of repeated strings."""

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.values: list[Any] = []
        self.codes: dict[Any, int] = {}
        for value in values:
            self.code(value)

    def code(self, value: Any) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.values)
            self.values.append(value)
        return found
