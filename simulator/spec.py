"""Where the contract files are, and their validation."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from connexion.spec import Specification
from openapi_spec_validator import validate

_PACKAGE = Path(__file__).resolve().parent
SPEC_DIR = next(
    (path for path in (_PACKAGE / "_openapi", _PACKAGE.parent / "openapi") if (path / "clients.yaml").is_file()),
    _PACKAGE.parent / "openapi",
)
CLIENTS_SPEC = SPEC_DIR / "clients.yaml"
CONTROL_SPEC = SPEC_DIR / "control.yaml"
EMQX5_SPEC = SPEC_DIR / "emqx5.yaml"
CHECKS_CONFIG = SPEC_DIR / "schemathesis.toml"
"""How schemathesis checks a deployment against the contract (the statuses two checks accept)."""
EMQX5_CHECKS_CONFIG = SPEC_DIR / "schemathesis-emqx5.toml"
HOOKS = SPEC_DIR / "schemathesis_hooks.py"
"""How schemathesis generates requests for clients.yaml (the cross-field rule it cannot read from a schema)."""
EMQX5_HOOKS = SPEC_DIR / "schemathesis_hooks_emqx5.py"
"""How schemathesis generates requests for emqx5.yaml (the server's leniency it cannot read from a schema)."""


@functools.cache
def specification(path: Path) -> Specification:
    """The contract at `path` as connexion loads it (references resolved), read once per process: it is only
    read, never changed, by the apps built from it."""
    return Specification.load(path)


def load(path: Path = CLIENTS_SPEC) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


def check(path: Path = CLIENTS_SPEC) -> None:
    """Raise `openapi_spec_validator` errors if the spec at `path` is not valid OpenAPI 3.0."""
    validate(load(path), base_uri=path.resolve().as_uri())


def path_methods(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each path template of the spec with the HTTP methods it declares, upper-case, in spec order."""
    verbs = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return {path: [verb.upper() for verb in item if verb in verbs] for path, item in document["paths"].items()}
