"""Every request sample of the reference, run as written against a live simulator: curl, Python and Node."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from simulator.app import create_app
from simulator.cli import config_from, parser
from simulator.docs import CONTRACTS, references
from simulator.docs.reference import Operation, Reference
from simulator.docs.samples import ORIGIN
from tests.servers import serving

pytestmark = pytest.mark.slow

AUTH = ("app_id", "app_secret")


def _restore(api: str, state: bytes) -> None:
    """Back to the state the server started in, so the next sample meets a freshly started simulator."""
    sim = f"{api}/_sim"
    with httpx.Client(auth=AUTH, timeout=30) as http:
        assert http.put(f"{sim}/state", content=state, headers={"Content-Type": "application/json"}).status_code == 200
        assert http.delete(f"{sim}/faults").status_code == 204
        assert http.put(f"{sim}/propagation", json={"min_ms": 0, "max_ms": 0}).status_code == 200
        assert http.delete(f"{sim}/journal").status_code == 204


def _curl(code: str) -> str:
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split(" ", 2)[1]  # "HTTP/1.1 204 No Content"


def _python(code: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<sample>", "exec"), {})
    return printed.getvalue().split(" ", 1)[0]


NODE_RUNNER = """
import {createInterface} from "node:readline";
const AsyncFunction = (async () => {}).constructor;
for await (const line of createInterface({input: process.stdin})) {
  const printed = [];
  const console = {log: (...values) => printed.push(values.join(" "))};
  try {
    await new AsyncFunction("console", JSON.parse(line))(console);
  } catch (error) {
    printed.push(`error ${error}`);
  }
  process.stdout.write(JSON.stringify(printed.join("\\n")) + "\\n");
}
"""
"""Runs each sample it reads (a JSON string a line) as the body of an async function, as a browser console or
an ES module would run it, and writes what it printed: one Node process for all the samples of a page."""


class _Node:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed: `make node` installs Debian's Node.js (`make test` does it)")
        self.process = subprocess.Popen(
            [node, "--input-type=module", "-e", NODE_RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def __call__(self, code: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        printed = str(json.loads(self.process.stdout.readline()))
        return printed.split(" ", 1)[0]

    def close(self) -> None:
        with self.process:  # closes both pipes, then waits for Node to end at the end of its input
            pass


@contextlib.contextmanager
def _simulator(reference: Reference) -> Iterator[str]:
    """The simulator the reference's samples are written for (`make serve`, with its flags), on a free port."""
    config = config_from(parser({}).parse_args(["serve", *reference.flags]))
    with serving(create_app(config)) as api:
        yield api


def _cases() -> list[tuple[Reference, list[Operation]]]:
    return [(reference, reference.operations) for reference in references(CONTRACTS)]


@pytest.mark.parametrize(("reference", "operations"), _cases(), ids=[slug for _, slug, _ in CONTRACTS])
def test_every_sample_answers_its_documented_status(reference: Reference, operations: list[Operation]) -> None:
    node = _Node()
    runners = {"bash": _curl, "python": _python, "javascript": node}
    try:
        with _simulator(reference) as api:
            base = api.removesuffix("/api/v5")
            state = httpx.get(f"{api}/_sim/state", auth=AUTH).content
            answered = {}
            for op in operations:
                for sample in op.samples:
                    assert ORIGIN in sample.code, sample.code
                    answered[(op.operation_id, sample.label)] = runners[sample.language](
                        sample.code.replace(ORIGIN, base)
                    )
                    if op.method != "GET":  # a read changes nothing a later sample meets
                        _restore(api, state)
    finally:
        node.close()
    expected = {(op.operation_id, sample.label): op.status for op in operations for sample in op.samples}
    assert answered == expected
