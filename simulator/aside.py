"""Large populations built in a process of their own, so that the server's thread answering requests does not share
the GIL with the build (on two cores, a read waited up to 90 ms while a million clients were built in a thread
beside it).

The worker (`python -m simulator.aside`) reads the spec from its standard input and writes the population to its
standard output, pickled (protocol 5: each column's bytes whole); the server reads it from the pipe in a thread,
each column read straight into its array. Nothing goes through a file: removing a temporary file of 10,000,000
clients (1.2 GB) took 67 ms on a disk mounted with `discard`, and the event loop waited for it. The same spec builds
the same population in either process. Should the worker fail, the population is built in a thread as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import IO

from simulator.domain.population import Population, PopulationSpec, build

ASIDE_FROM = 200_000
"""Populations of this many clients or more are built aside; smaller ones take a thread well under a second."""
NICENESS = 10
"""The worker yields the CPU to the server (on two cores, the build, the server and a client reading take all)."""
QUIET = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""The worker's numpy does no linear algebra: no pool of threads spinning beside the server."""
PYTHON = sys.executable
PACKAGES = str(Path(__file__).resolve().parent.parent)
"""Where the `simulator` package is (the worker imports it from there, whatever its working directory)."""
PIPE_BYTES = 1 << 20
"""The pipe's buffer (64 KiB by default): fewer, larger reads of the population."""


def _read(source: IO[bytes]) -> Population | None:
    """The population the worker writes to `source`; None if it wrote none (it failed, or was killed)."""
    try:
        population = pickle.load(source)
    except (EOFError, pickle.UnpicklingError, OSError, ValueError):
        return None
    return population if isinstance(population, Population) else None


def _start(spec: PopulationSpec) -> subprocess.Popen[bytes]:
    """The worker, given `spec`. Started from a thread by the standard library, which uses vfork: the event loop's
    own spawn forks the whole server, its page tables copied while every request waits (14 ms, 60 ms for a large
    server)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (PACKAGES, os.environ.get("PYTHONPATH")))),
        **QUIET,
    }
    worker = subprocess.Popen(
        [PYTHON, "-m", "simulator.aside"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None
    with contextlib.suppress(OSError, AttributeError):  # (no such call off Unix)
        os.setpriority(os.PRIO_PROCESS, worker.pid, NICENESS)
    with contextlib.suppress(OSError, AttributeError, ImportError):  # (no such call off Linux)
        import fcntl

        fcntl.fcntl(worker.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    try:
        worker.stdin.write(pickle.dumps(spec, protocol=5))
        worker.stdin.close()
    except OSError:  # it ended already (it will have written nothing)
        pass
    return worker


def _collect(worker: subprocess.Popen[bytes]) -> Population | None:
    """What the worker wrote, once it has ended well."""
    assert worker.stdout is not None
    with worker.stdout:
        population = _read(worker.stdout)
    return population if worker.wait() == 0 else None


async def build_aside(spec: PopulationSpec) -> Population | None:
    """The population of `spec` built in a new process; None when it is small enough to build in a thread, or
    when the worker could not build it (the caller builds it then)."""
    if spec.clients < ASIDE_FROM:
        return None
    try:
        worker = await asyncio.to_thread(_start, spec)
    except OSError:  # no interpreter to start (an embedded one)
        return None
    try:
        return await asyncio.to_thread(_collect, worker)
    finally:
        if worker.returncode is None:  # the request was given up: so is the build
            worker.kill()
            await asyncio.to_thread(worker.wait)


def main() -> int:
    spec = pickle.load(sys.stdin.buffer)
    pickle.dump(build(spec), sys.stdout.buffer, protocol=5)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
