"""`emqx-sim contract-test`: schemathesis checks a running deployment against the contract."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from simulator import spec

DEFAULT_SEED = 20230915
DEFAULT_EXAMPLES = 50
STATE_CHANGING_METHODS = ("POST", "DELETE")


@dataclass(frozen=True, slots=True)
class ContractTest:
    """What to check and how hard."""

    url: str
    app_id: str = "app_id"
    app_secret: str = "app_secret"
    max_examples: int = DEFAULT_EXAMPLES
    seed: int = DEFAULT_SEED
    read_only: bool = False
    junit: Path | None = None
    spec_path: Path = spec.CLIENTS_SPEC

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")


class Unreachable(Exception):
    """The target cannot be tested at all: down, not the Clients API, or refusing the credentials."""


def preflight(test: ContractTest, timeout: float = 10.0) -> None:
    """One authenticated list call, so that a dead URL or wrong credentials fail in one clear line."""
    target = f"{test.base_url}/clients"
    try:
        response = httpx.get(
            target, params={"_limit": 1}, auth=(test.app_id, test.app_secret), timeout=timeout, follow_redirects=True
        )
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {target}: {error or type(error).__name__}") from None
    if response.status_code == 401:
        raise Unreachable(f"{target} refused the credentials of app id {test.app_id!r} (401)")
    if response.status_code != 200:
        raise Unreachable(f"{target} answered {response.status_code}: is {test.url} the API base (…/api/v5)?")


def schemathesis_args(test: ContractTest) -> list[str]:
    """The `schemathesis run` command line for `test`: every check, every phase, both data modes."""
    args = [
        "--config-file",
        str(spec.CHECKS_CONFIG),
        "run",
        str(test.spec_path),
        "--url",
        test.base_url,
        "--auth",
        f"{test.app_id}:{test.app_secret}",
        "--checks",
        "all",
        "--mode",
        "all",
        "--max-examples",
        str(test.max_examples),
        "--seed",
        str(test.seed),
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
    ]
    if test.read_only:
        args += ["--include-method", "GET", "--phases", "examples,coverage,fuzzing"]
    if test.junit is not None:
        args += ["--report", "junit", "--report-junit-path", str(test.junit)]
    return args


def run(test: ContractTest) -> int:
    """Run the checks, printing schemathesis's report; 0 when the target keeps the contract."""
    try:
        preflight(test)
    except Unreachable as error:
        print(f"emqx-sim contract-test: {error}", file=sys.stderr)
        return 2
    if test.junit is not None:
        test.junit.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "schemathesis.cli", *schemathesis_args(test)]
    code = subprocess.call(command)
    verdict = "keeps the contract" if code == 0 else "BREAKS the contract"
    mode = " (read-only)" if test.read_only else ""
    print(f"emqx-sim contract-test: {test.base_url} {verdict}{mode}", flush=True)
    return code
