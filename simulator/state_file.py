"""The state file of `emqx-sim serve --state-file`: a snapshot of the state, read at start, written durably."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from simulator.domain.errors import DomainError
from simulator.domain.snapshot import InvalidState
from simulator.service import Simulation

LOG_SEQ = "log_seq"
"""The key of the state file naming the last change of the log the snapshot holds."""


class StoreFailed(DomainError):
    """The state file or its change log cannot be written: nothing more can be kept."""


def read_state_file(path: Path) -> dict[str, Any] | None:
    """The snapshot in `path`, or None when there is none; raise `InvalidState` naming the file if it is not JSON."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidState(str(path), f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise InvalidState(str(path), "expected an object")
    return data


def load_state(simulation: Simulation, path: Path, data: dict[str, Any]) -> None:
    """Import the snapshot `data` read from `path`; raise `InvalidState` naming the file if it is wrong."""
    try:
        simulation.import_state(data)
    except InvalidState as error:
        raise InvalidState(f"{path}: {error.where}", error.message.split(": ", 1)[-1]) from None


def save_state(data: dict[str, Any], path: Path) -> None:
    """Write a snapshot atomically and durably: the file is synced before it replaces the previous one, and the
    directory after, so a crash or a power cut leaves one whole file, the previous or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        file.write(json.dumps(data).encode("utf-8"))
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
