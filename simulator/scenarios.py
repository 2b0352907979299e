"""Scenario files: named populations in `fixtures/scenarios/`, or any file a user writes in that format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator

from simulator.config import DEFAULT_SEED
from simulator.domain.churn import Churn
from simulator.domain.errors import DomainError, InvalidRequest
from simulator.domain.population import PopulationSpec
from simulator.domain.setup import Setup

_PACKAGE = Path(__file__).resolve().parent
BUILT_IN = next(
    (path for path in (_PACKAGE / "_scenarios", _PACKAGE.parent / "fixtures" / "scenarios") if path.is_dir()),
    _PACKAGE.parent / "fixtures" / "scenarios",
)
SUFFIXES = (".yaml", ".yml", ".json")
SCHEMA_SUFFIX = ".schema.json"


class ScenarioError(DomainError):
    """A scenario that cannot be used: unreadable, or wrong in a named field."""


class UnknownScenario(ScenarioError):
    """No scenario of that name."""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    data: dict[str, Any]
    path: Path


def _validator() -> Draft7Validator:
    schema = json.loads((BUILT_IN / f"scenario{SCHEMA_SUFFIX}").read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def load_file(path: Path) -> Scenario:
    """Read and check one scenario file; errors name the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML or JSON: {str(error).splitlines()[0]}") from None
    return from_data(data, path.stem, path)


def from_data(data: Any, name: str = "inline", path: Path | None = None) -> Scenario:
    """A scenario given as data (a file's content, or a mapping sent to the control API); errors name the field,
    and the file where there is one."""
    where = str(path) if path is not None else "scenario_definition"
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        first = errors[0]
        field = ".".join(str(part) for part in first.absolute_path) or "(top level)"
        raise ScenarioError(f"{where}: {field}: {first.message}")
    clientids = [item["clientid"] for item in data.get("clients", [])]
    if len(set(clientids)) != len(clientids):
        raise ScenarioError(f"{where}: clients: a clientid is given twice")
    return Scenario(name=name, description=data["description"], data=data, path=path or Path(name))


def check_name(name: str) -> None:
    """Refuse a scenario given to the control API as a file path: files are loaded by the command line only."""
    if name.endswith(SUFFIXES) or "/" in name or "\\" in name:
        raise InvalidRequest("scenario: give a scenario name; files are loaded with `emqx-sim serve --scenario PATH`")


class Catalog:
    """The scenarios a simulator can switch to by name: user directories first, then the built-in ones."""

    def __init__(self, directories: Sequence[Path] = ()) -> None:
        self.directories = [*directories, BUILT_IN]

    def names(self) -> list[str]:
        found = {
            path.stem
            for directory in self.directories
            if directory.is_dir()
            for path in directory.iterdir()
            if path.suffix in SUFFIXES and path.is_file() and not path.name.endswith(SCHEMA_SUFFIX)
        }
        return sorted(found)

    def find(self, name_or_path: str) -> Scenario:
        """A scenario by name, or by the path of a file."""
        candidate = Path(name_or_path)
        if candidate.suffix in SUFFIXES or "/" in name_or_path:
            if not candidate.is_file():
                raise UnknownScenario(f"{name_or_path}: no such scenario file")
            return load_file(candidate)
        for directory in self.directories:
            for suffix in SUFFIXES:
                path = directory / f"{name_or_path}{suffix}"
                if path.is_file():
                    return load_file(path)
        raise UnknownScenario(f"unknown scenario {name_or_path!r}; known: {', '.join(self.names())}")


def setup_for(
    scenario: Scenario,
    now_ms: int,
    seed: int | None = None,
    clients: int | None = None,
    nodes: int | None = None,
    churn: bool = False,
) -> Setup:
    """The simulation setup of `scenario`; `seed`, `clients` and `nodes`, when given, override the scenario's."""
    population = scenario.data.get("population", {})
    protocols = population.get("protocols")
    spec = PopulationSpec(
        seed=population.get("seed", DEFAULT_SEED) if seed is None else seed,
        clients=population.get("clients", 1000) if clients is None else clients,
        nodes=population.get("nodes", 3) if nodes is None else nodes,
        now_ms=now_ms,
        documented=population.get("documented", True),
        protocols=(85, 8, 7)
        if protocols is None
        else (protocols.get("MQTT", 0), protocols.get("MQTT-SN", 0), protocols.get("CoAP", 0)),
        fill_subscriptions=population.get("fill_subscriptions", False),
        explicit=tuple(scenario.data.get("clients", ())),
    )
    if sum(spec.protocols) <= 0:
        raise ScenarioError(f"{scenario.path}: population.protocols: the weights add up to nothing")
    given = scenario.data.get("churn")
    rates = Churn(**given) if given is not None else (Churn() if churn else None)
    return Setup(spec=spec, churn=rates, scenario=scenario.name)
