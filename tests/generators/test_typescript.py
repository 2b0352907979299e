"""TypeScript clients generated from the three contracts by openapi-typescript (with openapi-fetch) and by orval
type-check, with code that sets every subscription option and reads error bodies (`tests/generators/ts/`)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator import spec

pytestmark = pytest.mark.slow

SOURCES = Path(__file__).with_name("ts")
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "ts-generators"
"""Where `npm ci` installs the pinned generators, once per package-lock.json (not tracked by git)."""
CONTRACTS = {"clients": spec.CLIENTS_SPEC, "emqx5": spec.EMQX5_SPEC, "control": spec.CONTROL_SPEC}
USES = ("tsconfig.json", "openapi-fetch.ts", "orval.ts")


def _run(command: list[str], cwd: Path, timeout: float = 300) -> str:
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """The generators at the versions package-lock.json pins, installed with `npm ci` when the lock changed."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: `make node` installs Node.js and npm (make test runs it)")
    lock = (SOURCES / "package-lock.json").read_bytes()
    stamp = CACHE / ".installed"
    digest = hashlib.sha256(lock + (SOURCES / "package.json").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != digest:
        CACHE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(SOURCES / name, CACHE / name)
        # No install scripts: the generators need none, and a fresh machine's npm may not allow them.
        _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error"], CACHE, timeout=600)
        stamp.write_text(digest, encoding="utf-8")
    return CACHE / "node_modules"


def test_generated_typescript_clients_type_check(node_modules: Path, tmp_path: Path) -> None:
    bin_dir = node_modules / ".bin"
    for name, contract in CONTRACTS.items():
        _run([str(bin_dir / "openapi-typescript"), str(contract), "-o", f"generated/{name}.ts"], tmp_path)
        orval = [str(bin_dir / "orval"), "--input", str(contract), "--output", f"orval/{name}.ts", "--client", "fetch"]
        _run(orval, tmp_path)
    for name in USES:
        shutil.copyfile(SOURCES / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(node_modules, target_is_directory=True)
    _run([str(bin_dir / "tsc"), "-p", "."], tmp_path)
