"""The population spec: how many clients on how many nodes, from which seed, as of which instant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEPLOYMENT_HOST = "qe92461d.dev-ala.cn-hangzhou.mqttce.com"
"""The host every client reaches the deployment at (its SNI, and the tenant every client belongs to)."""
Progress = Callable[[str, int, int], None]
"""Told how far a stage of building the population is: its name, rows done, rows in all."""


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    """What to generate: how many clients on how many nodes, from which seed, as of which instant."""

    seed: int
    clients: int
    nodes: int
    now_ms: int
    documented: bool = True
    """Whether the published document's clients (`client_1`, `mqttx_07cb8109`) come first."""
    protocols: tuple[float, float, float] = (85, 8, 7)
    """Weights of MQTT, MQTT-SN and CoAP among generated clients."""
    fill_subscriptions: bool = False
    """Whether every client holds exactly `subscriptions_max` subscriptions."""
    explicit: tuple[Mapping[str, Any], ...] = field(default=())
    """Clients given field by field (`clientid` required); the rest of each is generated."""


def node_name(index: int) -> str:
    return f"emqx@10.0.0.{index + 1}"


def node_names(count: int) -> list[str]:
    return [node_name(index) for index in range(count)]
