"""What a handler answers: a status and a JSON body, as an object to render or as bytes already rendered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reply:
    """`body` is rendered as JSON (and checked against the contract when asked to); `raw` is sent as it is."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None


NO_CONTENT = Reply(204)
