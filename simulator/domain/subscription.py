"""Subscribe requests made through the API: their validation and the echo the API answers with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.domain.client import SubOpts
from simulator.domain.errors import InvalidSubscribeOptions
from simulator.domain.topic import parse_filter, parse_share


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """One topic filter with its options, as asked for."""

    topic: str
    opts: SubOpts

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> SubscribeRequest:
        """A request from its fields as a body gives them (`topic`; `qos`, `nl`, `rap`, `rh` default to 0)."""
        opts = SubOpts(qos=item.get("qos", 0), nl=item.get("nl", 0), rap=item.get("rap", 0), rh=item.get("rh", 0))
        return cls(topic=item["topic"], opts=opts)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription as the API echoes it: the request, with the client's node."""

    clientid: str
    topic: str
    opts: SubOpts
    node: str


def check_subscribe(request: SubscribeRequest) -> None:
    """Raise if the filter breaks a topic rule, or asks No Local of a shared subscription (MQTT-3.8.3-4)."""
    parsed = parse_filter(request.topic)
    if parsed.shared and request.opts.nl == 1:
        raise InvalidSubscribeOptions(
            "Invalid Subscribe options: `no_local` not allowed for shared-sub. See [MQTT-3.8.3-4]"
        )


def check_shared_subscribe(request: SubscribeRequest) -> None:
    """EMQX 5's own check of an API subscription: only the shared-subscription rules and No Local on them."""
    if parse_share(request.topic).shared and request.opts.nl == 1:
        raise InvalidSubscribeOptions(
            "Invalid Subscribe options: `no_local` not allowed for shared-sub. See [MQTT-3.8.3-4]"
        )


def check_unsubscribe(topic: str) -> None:
    parse_filter(topic)
