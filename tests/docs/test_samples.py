"""Every request sample of the reference, run as written against a live simulator: curl, Python and Node."""

from __future__ import annotations

import contextlib
import io
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


def _javascript(code: str) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `make node` installs Debian's Node.js (`make test` does it)")
    done = subprocess.run([node, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split(" ", 1)[0]


RUNNERS = {"bash": _curl, "python": _python, "javascript": _javascript}


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
    with _simulator(reference) as api:
        base = api.removesuffix("/api/v5")
        state = httpx.get(f"{api}/_sim/state", auth=AUTH).content
        answered = {}
        for op in operations:
            for sample in op.samples:
                assert ORIGIN in sample.code, sample.code
                status = RUNNERS[sample.language](sample.code.replace(ORIGIN, base))
                answered[(op.operation_id, sample.label)] = status
                _restore(api, state)
    expected = {(op.operation_id, sample.label): op.status for op in operations for sample in op.samples}
    assert answered == expected
