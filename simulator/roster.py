"""The isolated deployments kept with a state file: who they are (ids, credentials, settings), each one's own state
file beside them, all written durably before a change of them is answered."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.state_file import save_state

log = logging.getLogger("emqx_sim")
FORMAT = "emqx-sim-deployments/1"
SETTINGS = ("scenario", "seed", "clients", "nodes", "churn", "frozen_at_ms", "dialect")
"""The `Config` fields an isolated deployment is made from (the rest is the server's)."""
LOG_SUFFIXES = ("", ".partial", ".log.sqlite", ".log.sqlite-wal", ".log.sqlite-shm")
"""The files of one deployment's state: its snapshot (and one being written) and its change log."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    app_id: str
    app_secret: str
    created_at_s: float
    settings: dict[str, Any]


class Roster:
    """`<state file>.deployments/`: `deployments.json` lists the isolated deployments, `<id>.json` (and its change
    log) is each one's state, kept as the default deployment's is."""

    def __init__(self, state_file: Path) -> None:
        self.directory = state_file.with_name(state_file.name + ".deployments")
        self.path = self.directory / "deployments.json"

    def state_file(self, id: str) -> Path:
        return self.directory / f"{id}.json"

    def read(self) -> list[Entry]:
        """The deployments listed; none when there is no list yet. A list that cannot be read is reported and
        taken as empty: the default deployment still starts."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
            return [Entry(**item) for item in data["deployments"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("%s: cannot be read (%s): no isolated deployment is restored", self.path, error)
            return []

    def write(self, entries: list[Entry]) -> None:
        """Replace the list, durably (synced, renamed, directory synced)."""
        items = [
            {"id": e.id, "app_id": e.app_id, "app_secret": e.app_secret, "created_at_s": e.created_at_s,
             "settings": e.settings}
            for e in entries
        ]  # fmt: skip
        save_state({"format": FORMAT, "deployments": items}, self.path)

    def forget(self, id: str) -> None:
        """Delete one deployment's state files."""
        for suffix in LOG_SUFFIXES:
            self.state_file(id).with_name(f"{id}.json{suffix}").unlink(missing_ok=True)
