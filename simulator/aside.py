"""Large populations built in a process of their own, so that the server's thread answering requests does not share
the GIL with the build (on two cores, a read waited up to 90 ms while a million clients were built in a thread
beside it).

The worker (`python -m simulator.aside DIRECTORY`) reads the spec from the directory and writes the population
there, pickled (protocol 5: each column's bytes whole); the server reads it back in a thread, each column read
straight into its array. The same spec builds the same population in either process. Should the worker fail,
the population is built in a thread as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from simulator.domain.population import Population, PopulationSpec, build

ASIDE_FROM = 200_000
"""Populations of this many clients or more are built aside; smaller ones take a thread well under a second."""
SPEC, BUILT = "spec.pickle", "population.pickle"
NICENESS = 10
"""The worker yields the CPU to the server (on two cores, the build, the server and a client reading take all)."""
QUIET = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""The worker's numpy does no linear algebra: no pool of threads spinning beside the server."""
PYTHON = sys.executable
PACKAGES = str(Path(__file__).resolve().parent.parent)
"""Where the `simulator` package is (the worker imports it from there, whatever its working directory)."""


def _read(path: Path) -> Population:
    with path.open("rb") as source:
        population = pickle.load(source)
    assert isinstance(population, Population)
    return population


async def build_aside(spec: PopulationSpec) -> Population | None:
    """The population of `spec` built in a new process; None when it is small enough to build in a thread, or
    when the worker could not build it (the caller builds it then)."""
    if spec.clients < ASIDE_FROM:
        return None
    with tempfile.TemporaryDirectory(prefix="emqx-sim-") as name:
        directory = Path(name)
        (directory / SPEC).write_bytes(pickle.dumps(spec, protocol=5))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, (PACKAGES, os.environ.get("PYTHONPATH")))),
            **QUIET,
        }
        try:
            # Started from a thread by the standard library, which uses vfork: the event loop's own spawn forks the
            # whole server, its page tables copied while every request waits (14 ms, 60 ms for a large server).
            worker = await asyncio.to_thread(
                subprocess.Popen, [PYTHON, "-m", "simulator.aside", name],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )  # fmt: skip
        except OSError:  # no interpreter to start (an embedded one)
            return None
        with contextlib.suppress(OSError, AttributeError):  # (no such call off Unix)
            os.setpriority(os.PRIO_PROCESS, worker.pid, NICENESS)
        try:
            status = await asyncio.to_thread(worker.wait)
        finally:
            if worker.returncode is None:  # the request was given up: so is the build
                worker.kill()
                await asyncio.to_thread(worker.wait)
        if status != 0 or not (directory / BUILT).exists():
            return None
        return await asyncio.to_thread(_read, directory / BUILT)


def main(directory: str) -> int:
    spec = pickle.loads((Path(directory) / SPEC).read_bytes())
    with (Path(directory) / BUILT).open("wb") as out:
        pickle.dump(build(spec), out, protocol=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
