"""Helpers of columns: tables of distinct values and their codes, and the clientids of some rows read lazily."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt


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


class Ids(Sequence[str]):
    """The clientids of some rows, read one by one (sampling a few of a million builds no list)."""

    def __init__(self, ids: Sequence[str], rows: npt.NDArray[np.int64]) -> None:
        self._ids = ids
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self._ids[row] for row in self._rows[index].tolist()]
        clientid: str = self._ids[int(self._rows[index])]
        return clientid
