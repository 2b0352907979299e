"""`emqx-sim contract-test`: schemathesis checks a running deployment against the contract."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    contract: str = "cloud"
    """Which contract the deployment serves: `cloud` (`openapi/clients.yaml`) or `emqx5` (`openapi/emqx5.yaml`)."""

    @property
    def spec_path(self) -> Path:
        return spec.EMQX5_SPEC if self.contract == "emqx5" else spec.CLIENTS_SPEC

    @property
    def checks_path(self) -> Path:
        return spec.EMQX5_CHECKS_CONFIG if self.contract == "emqx5" else spec.CHECKS_CONFIG

    @property
    def hooks_path(self) -> Path:
        """The schemathesis hooks that keep generated requests within the contract's cross-field rules."""
        return spec.EMQX5_HOOKS if self.contract == "emqx5" else spec.HOOKS

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")


class Unreachable(Exception):
    """The target cannot be tested at all: down, not the Clients API, or refusing the credentials."""


def preflight(test: ContractTest, timeout: float = 10.0) -> None:
    """One authenticated list call, so that a dead URL or wrong credentials fail in one clear line."""
    target = f"{test.base_url}/clients"
    pager = "limit" if test.contract == "emqx5" else "_limit"
    try:
        response = httpx.get(
            target, params={pager: 1}, auth=(test.app_id, test.app_secret), timeout=timeout, follow_redirects=True
        )
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {target}: {error or type(error).__name__}") from None
    if response.status_code == 401:
        raise Unreachable(f"{target} refused the credentials of app id {test.app_id!r} (401)")
    if response.status_code != 200:
        raise Unreachable(f"{target} answered {response.status_code}: is {test.url} the API base (…/api/v5)?")


def schemathesis_args(test: ContractTest) -> list[str]:
    """The `schemathesis run` command line for `test`: every phase, both data modes, and every check (the
    default, left to the checks file so that its per-operation settings hold; `--checks all` would undo them)."""
    args = [
        "--config-file",
        str(test.checks_path),
        "run",
        str(test.spec_path),
        "--url",
        test.base_url,
        "--auth",
        f"{test.app_id}:{test.app_secret}",
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
    code = subprocess.call(command, env={**os.environ, "SCHEMATHESIS_HOOKS": str(test.hooks_path)})
    verdict = "keeps the contract" if code == 0 else "BREAKS the contract"
    mode = " (read-only)" if test.read_only else ""
    print(f"emqx-sim contract-test: {test.base_url} {verdict}{mode}", flush=True)
    return code


def add_command(commands: Any, default: Callable[[str, str], str]) -> None:
    """The `contract-test` command line, beside the others of `emqx-sim`."""
    contract = commands.add_parser(
        "contract-test",
        help="check a running deployment (the simulator or a real one) against the contract",
        description="Fuzz a running deployment with schemathesis: every check, every phase, positive and "
        "negative data. Exits non-zero on any failure.",
    )
    contract.add_argument("--url", required=True, help="API base, e.g. http://127.0.0.1:18083/api/v5")
    contract.add_argument(
        "--contract",
        choices=("cloud", "emqx5"),
        default=default("contract", "cloud"),
        help="the contract to check: 'cloud' (openapi/clients.yaml; default) or 'emqx5' (openapi/emqx5.yaml)",
    )
    contract.add_argument("--app-id", default=default("app-id", "app_id"), help="Basic auth user (app_id)")
    contract.add_argument("--app-secret", default=default("app-secret", "app_secret"), help="Basic auth password")
    contract.add_argument("--max-examples", type=_count, default=DEFAULT_EXAMPLES, help="test cases per operation (50)")
    contract.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed, so that a failure reproduces")
    contract.add_argument(
        "--read-only", action="store_true", help="only call operations that change nothing (for production)"
    )
    contract.add_argument("--junit", type=Path, default=None, help="also write a JUnit XML report to this file")


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not zero or more")
    return value


def main(args: Any) -> int:
    """`emqx-sim contract-test` with its parsed arguments."""
    test = ContractTest(
        url=args.url,
        app_id=args.app_id,
        app_secret=args.app_secret,
        max_examples=max(1, args.max_examples),
        seed=args.seed,
        read_only=args.read_only,
        junit=args.junit,
        contract=args.contract,
    )
    return run(test)
