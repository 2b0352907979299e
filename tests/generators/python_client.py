"""Python clients generated from the contracts by openapi-python-client, into a directory of the test's own."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = "post_hooks: []\n"
"""No formatter run on the output: what is tested is what the generator writes."""


def generate(contract: Path, into: Path, package: str) -> Path:
    """Generate the client of `contract` as the package `into/package`; fail with the generator's output when it
    warns or fails, since a warning means a part of the contract was left out of the client."""
    config = into / "openapi-python-client.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [str(GENERATOR), "generate", "--path", str(contract), "--meta", "none"]
    command += ["--output-path", str(into / package), "--config", str(config)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0 and "Warning" not in output, output
    return into / package


def load(package_dir: Path) -> ModuleType:
    """Import a generated package from where it was written."""
    sys.path.insert(0, str(package_dir.parent))
    try:
        return importlib.import_module(package_dir.name)
    finally:
        sys.path.remove(str(package_dir.parent))


def type_check(package_dir: Path, usage: str) -> None:
    """mypy --strict passes on the generated package and on `usage`, code written against it."""
    (package_dir.parent / f"{package_dir.name}_usage.py").write_text(usage, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null"]
    command += [package_dir.name, f"{package_dir.name}_usage.py"]
    run = subprocess.run(command, cwd=package_dir.parent, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
