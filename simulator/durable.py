"""The durable state of one deployment (`--state-file`): its snapshot file and change log, and their group commits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.types import Message, Send

from simulator import replay, wal
from simulator.domain.snapshot import InvalidState, client_to_data
from simulator.error_codes import Code
from simulator.responses import respond_error
from simulator.service import Simulation
from simulator.state_file import LOG_SEQ, StoreFailed, load_state, read_state_file, save_state

if TYPE_CHECKING:
    from simulator.deployment import Deployment

log = logging.getLogger("emqx_sim")
COMPACT_AFTER = 10_000
"""Changes logged after which the log is folded into a new snapshot (or as many as the snapshot has clients and
clientids, when more: a snapshot costs as much as it holds, so its cost is spread over as many changes)."""
SERVICE_UNAVAILABLE = Code(503, "SERVICE_UNAVAILABLE")
SCHEMA = "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY, body BLOB NOT NULL, crc INTEGER NOT NULL)"


class Durable:
    """The state file at `path` and its change log, for one deployment: `replay` loads both into the deployment and
    logs its changes from then on, `flushed` waits until they are durable, `close` folds the log into the file.

    The log is SQLite in WAL mode, `synchronous=FULL`, beside the state file (`<state file>.log.sqlite`). Changes
    are logged as the simulation makes them, as plain data (`Simulation.recorder`), and written by one thread in
    group commits: a commit takes every change made while the one before it was syncing, and an answer waits,
    without holding the event loop, for the commit that holds every change made before it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log_path = path.with_name(path.name + ".log.sqlite")
        self._lock = threading.Lock()
        self._pending: list[tuple[int, bytes, int]] = []
        self._seq = 0
        """The last change logged (committed or not)."""
        self._committed = 0
        self._snapshot_seq = 0
        self._snapshot_size = 0
        self._failure: str | None = None
        self._flushing: asyncio.Future[None] | None = None
        self._compacting: asyncio.Task[None] | None = None
        self._simulation: Simulation | None = None
        self._db: sqlite3.Connection | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="emqx-sim-log")

    def replay(self, deployment: Deployment) -> int:
        """Load the snapshot, make every change of the log after it again, write a new snapshot, and log every
        change of the deployment from now on; the number of changes made again. Raises `InvalidState` naming the
        file when the snapshot is wrong."""
        self._db = self._open()
        try:
            return self._load(deployment)
        except BaseException:
            self.close(fold=False)
            raise

    def _load(self, deployment: Deployment) -> int:
        db = self._db
        assert db is not None
        _, frames, _ = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        torn = wal.torn_bytes(self.log_path.with_name(self.log_path.name + "-wal"), max(frames, 0))
        if torn:
            log.warning(
                "%s: the last write to the log was cut short by a crash (%d bytes): its changes were never answered "
                "and are dropped, every whole change before them is kept",
                self.log_path,
                torn,
            )
        simulation = deployment.simulation
        data = read_state_file(self.path)
        rows = db.execute("SELECT seq, body, crc FROM changes ORDER BY seq").fetchall()
        last = max([0] + [seq for seq, _, _ in rows])
        if data is None and rows:
            log.warning("%s: no state file %s beside it: its changes are ignored", self.log_path, self.path)
            rows = []
        if data is not None:
            load_state(simulation, self.path, data)
            seq = data.get(LOG_SEQ, 0)
            if not isinstance(seq, int):
                raise InvalidState(f"{self.path}: {LOG_SEQ}", "expected an integer")
            self._snapshot_seq = seq
        made = replay.replay(simulation, self._changes(rows))
        self._seq = self._committed = max(self._snapshot_seq, last)
        self._simulation = simulation
        self._snapshot(simulation.export_state(), self._seq)
        if self._failure is not None:
            raise StoreFailed(self._failure)
        simulation.recorder = self.record
        deployment.durable = self
        return made

    def record(self, change: dict[str, Any]) -> None:
        """Log `change` (the simulation calls it, holding its lock, just before making the change)."""
        if self._failure is not None:
            raise StoreFailed(self._failure)
        body = json.dumps(change, separators=(",", ":")).encode("utf-8")
        with self._lock:
            self._seq += 1
            self._pending.append((self._seq, body, zlib.crc32(body)))

    async def flushed(self) -> None:
        """Wait until every change logged so far is committed; raise `StoreFailed` when the log cannot be written."""
        target = self._seq
        while True:
            if self._failure is not None:
                raise StoreFailed(self._failure)
            if self._committed >= target:
                return
            flushing = self._flushing
            if flushing is None or flushing.done():
                flushing = self._flushing = asyncio.get_running_loop().run_in_executor(self._writer, self._flush)
                flushing.add_done_callback(self._after_flush)
            await asyncio.shield(flushing)

    def guard(self, send: Send) -> Send:
        """`send`, holding an answer back until every change made before it is durable (the answer's own and any it
        may show); a 503 `SERVICE_UNAVAILABLE` instead once the log cannot be written."""
        refused = False

        async def guarded(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start":
                try:
                    await self.flushed()
                except StoreFailed as error:
                    refused = True
                    await respond_error(send, SERVICE_UNAVAILABLE.error(error.message), ())
            if not refused:
                await send(message)

        return guarded

    def close(self, fold: bool = True) -> bool:
        """Fold the log into a new snapshot (unless the log failed, or not `fold`: then the file and the log are left
        as they are) and close it; whether the snapshot was written. Changes still waiting to be seen are made
        first."""
        self._writer.shutdown(wait=True)
        if self._db is None:
            return False
        simulation = self._simulation
        fold = fold and self._failure is None and simulation is not None
        if fold and simulation is not None:
            self._flush()
            with simulation.lock:
                simulation.propagation.apply_due(2**62)
                data, upto = simulation.export_state(), self._seq
            self._snapshot(data, upto)
        self._db.close()
        self._db = None
        return fold and self._failure is None

    def _open(self) -> sqlite3.Connection:
        """The log, locked for this simulator alone until it closes: two simulators writing one state file would
        each overwrite what the other keeps, so a second one is refused."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.log_path, isolation_level=None, check_same_thread=False, timeout=1)
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN EXCLUSIVE")
            db.execute(SCHEMA)
            db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            db.close()
            raise StoreFailed(f"{self.log_path} cannot be opened ({error}): is another simulator using it?") from None
        return db

    def _changes(self, rows: list[tuple[int, bytes, int]]) -> list[tuple[int, dict[str, Any]]]:
        """The changes of `rows` after the snapshot, up to the first whose checksum is wrong."""
        changes = []
        for seq, body, crc in rows:
            if seq <= self._snapshot_seq:
                continue
            if zlib.crc32(body) != crc:
                log.warning("%s: change %d is corrupt: it and every change after it are dropped", self.log_path, seq)
                break
            changes.append((seq, json.loads(body)))
        return changes

    def _flush(self) -> None:
        """Commit every change logged and not yet committed, in one transaction (on the writer's thread)."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch or self._db is None:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO changes (seq, body, crc) VALUES (?, ?, ?)", batch)
            self._db.execute("COMMIT")
        except (sqlite3.Error, OSError) as error:
            self._fail(error)
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            return
        self._committed = batch[-1][0]

    def _after_flush(self, _: asyncio.Future[None]) -> None:
        simulation = self._simulation
        if (
            self._compacting is None
            and self._failure is None
            and simulation is not None
            and self._seq - self._snapshot_seq >= max(COMPACT_AFTER, self._snapshot_size)
            and not len(simulation.propagation)  # a change still to be seen is in no snapshot: keep the log whole
        ):
            self._compacting = asyncio.ensure_future(self._compact(simulation))

    async def _compact(self, simulation: Simulation) -> None:
        """Fold the log into a new snapshot. Only copying the changed clients holds the event loop: they are made into
        data and written on other threads, and the log's writer is not kept from its commits meanwhile."""
        try:
            with simulation.lock:
                (state, kept), upto = simulation.export_parts(), self._seq
            loop = asyncio.get_running_loop()
            data = await loop.run_in_executor(None, lambda: {**state, "clients": [client_to_data(c) for c in kept]})
            if await loop.run_in_executor(None, self._write, data, upto):
                await loop.run_in_executor(self._writer, self._forget, data, upto)
        finally:
            self._compacting = None

    def _snapshot(self, data: dict[str, Any], upto: int) -> None:
        if self._write(data, upto):
            self._forget(data, upto)

    def _write(self, data: dict[str, Any], upto: int) -> bool:
        """Write the snapshot holding every change up to `upto`; whether it was written."""
        try:
            save_state({**data, LOG_SEQ: upto}, self.path)
        except OSError as error:
            self._fail(error)
            return False
        return True

    def _forget(self, data: dict[str, Any], upto: int) -> None:
        """Drop the changes up to `upto` from the log, now that the snapshot `data` holds them (writer's thread)."""
        assert self._db is not None
        try:
            self._db.execute("DELETE FROM changes WHERE seq <= ?", (upto,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            self._fail(error)
            return
        self._snapshot_seq, self._snapshot_size = upto, len(data["clients"]) + len(data["removed"])

    def _fail(self, error: Exception) -> None:
        self._failure = f"the state cannot be kept in {self.path}: {error}"
        log.error("%s; every request is refused until the simulator is restarted", self._failure)
