"""The state file of `emqx-sim serve --state-file`: loaded at start when present, written on shutdown."""

from __future__ import annotations

import json
import os
from pathlib import Path

from simulator.domain.snapshot import InvalidState
from simulator.service import Simulation


def load_state(simulation: Simulation, path: Path) -> bool:
    """Import `path` into `simulation` if it exists; raise `InvalidState` naming the file if it is corrupt."""
    if not path.exists():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidState(str(path), f"not JSON ({error})") from None
    try:
        simulation.import_state(data)
    except InvalidState as error:
        raise InvalidState(f"{path}: {error.where}", error.message.split(": ", 1)[-1]) from None
    return True


def save_state(simulation: Simulation, path: Path) -> None:
    """Write the state atomically: a crash mid-write leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(simulation.export_state()), encoding="utf-8")
    os.replace(partial, path)
