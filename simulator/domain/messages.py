"""Messages a client's session holds: queued while it is away, and in flight to it; drawn from its own seed.

A client holds as many queued messages as its `mqueue_len` and as many in flight as its `inflight_cnt`, on
topics its subscriptions match, the same every time it is asked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.domain.client import Client

PUBLISHERS = ("sensor-gw-{n:02d}", "edge-{n:03d}", "backend-{n}", "undefined")


@dataclass(frozen=True, slots=True)
class Message:
    msgid: str
    topic: str
    qos: int
    publish_at_ms: int
    from_clientid: str
    from_username: str
    payload: bytes
    inserted_at_ns: int
    priority: int = 0


def held(seed: int, client: Client, kind: str) -> list[Message]:
    """The `mqueue` or `inflight` messages of `client`, oldest first."""
    count = client.traffic.mqueue_len if kind == "mqueue" else client.traffic.inflight_cnt
    if count <= 0:
        return []
    rng = random.Random(f"{seed}:{client.clientid}:{kind}")
    given = client.traffic.mqueue_topic if kind == "mqueue" else client.traffic.inflight_topic
    filters = list(client.subscriptions) or [f"devices/{client.clientid}/cmd"]
    start = client.disconnected_at_ms if kind == "mqueue" and client.disconnected_at_ms else client.connected_at_ms
    at_ms = start
    messages: list[Message] = []
    for _ in range(count):
        at_ms += rng.randint(1, 2000)
        publisher = rng.choice(PUBLISHERS).format(n=rng.randrange(100))
        topic_filter = rng.choice(filters)
        opts = client.subscriptions.get(topic_filter)
        reading = round(rng.uniform(-10.0, 40.0), 1)
        payload = f'{{"value":{reading},"ts":{at_ms}}}'.encode() if given is None else str(len(messages) + 1).encode()
        messages.append(
            Message(
                msgid=f"{rng.getrandbits(128):032X}",
                topic=concrete(topic_filter, rng) if given is None else given,
                qos=(max(1, opts.qos) if opts is not None else 1) if given is None else client.traffic.message_qos,
                publish_at_ms=at_ms - rng.randint(0, 50),
                from_clientid=publisher,
                from_username="" if publisher == "undefined" else publisher.split("-")[0],
                payload=payload,
                inserted_at_ns=at_ms * 1_000_000 + rng.randrange(1_000_000),
            )
        )
    return messages


def concrete(topic_filter: str, rng: random.Random) -> str:
    """A topic the filter matches: the share group dropped, `+` and `#` filled in."""
    if topic_filter.startswith("$share/"):
        topic_filter = topic_filter.split("/", 2)[2] if topic_filter.count("/") >= 2 else "t"
    elif topic_filter.startswith("$queue/"):
        topic_filter = topic_filter[len("$queue/") :]
    levels = [
        (f"n{rng.randrange(100)}" if level == "+" else "status" if level == "#" else level)
        for level in topic_filter.split("/")
    ]
    return "/".join(levels)
