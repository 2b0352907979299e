"""Generated clients as columns: every field filters, order and expiry read, drawn vectorized from the seed."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address, ip_network
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.domain.client import ConnState
from simulator.domain.population.names import clientid_from, username_from
from simulator.domain.population.spec import PopulationSpec
from simulator.domain.search import fixed_width

PROTOCOLS = (("MQTT", 5), ("MQTT", 4), ("MQTT", 3), ("MQTT-SN", 1), ("CoAP", 1))
LISTENERS = ("tcp:default", "ssl:default", "ws:default", "wss:default", "mqttsn:udp:default", "coap:udp:default")
ZONES = ("default", "external", "internal")
STATES = (ConnState.CONNECTED, ConnState.IDLE, ConnState.DISCONNECTED)
"""The states by their code in the `state` column."""
NO_TIME = -1
"""`disconnected_at` of a client that is attached."""
V5_EXPIRIES = np.array((300, 3600, 7200, 86400), dtype=np.int32)
DAY_MS = 86_400_000
MONTH_MS = 30 * DAY_MS
PRIVATE_V4 = (
    ip_network("0.0.0.0/8"), ip_network("10.0.0.0/8"), ip_network("100.64.0.0/10"), ip_network("127.0.0.0/8"),
    ip_network("169.254.0.0/16"), ip_network("172.16.0.0/12"), ip_network("192.0.0.0/24"),
    ip_network("192.168.0.0/16"), ip_network("198.18.0.0/15"), ip_network("224.0.0.0/3"),
)  # fmt: skip
PRIVATE_V4_MASKS = tuple((int(network.network_address), int(network.netmask)) for network in PRIVATE_V4)
Int64s = npt.NDArray[np.int64]


@dataclass(slots=True)
class Core:
    """Generated clients as columns, one row each: what filters, order and expiry need. The rest of a client
    (port, limits, traffic, subscriptions, certificate) is drawn on demand from a source seeded by its clientid,
    so a million clients cost a few hundred bytes each."""

    clientid: list[str]
    username: list[str | None]
    ip_address: list[str]
    node: npt.NDArray[np.int16]
    zone: npt.NDArray[np.int8]
    protocol: npt.NDArray[np.int8]
    listener: npt.NDArray[np.int8]
    clean_start: npt.NDArray[np.bool_]
    expiry_interval: npt.NDArray[np.int32]
    state: npt.NDArray[np.int8]
    created_at_ms: Int64s
    connected_at_ms: Int64s
    disconnected_at_ms: Int64s

    def __len__(self) -> int:
        return len(self.clientid)

    def sorted(self) -> tuple[Core, npt.NDArray[np.bytes_]]:
        """The same clients in clientid (byte) order, the listing order read backwards, and their clientids in that
        order as fixed-width bytes (sorted by numpy as such: no step holds the GIL for long, so a population built
        in a thread leaves reads answered meanwhile)."""
        encoded = fixed_width(self.clientid)
        taken = np.argsort(encoded, kind="stable").astype(np.int64)
        order = taken.tolist()

        def take(name: str) -> Any:
            column = getattr(self, name)
            return [column[row] for row in order] if isinstance(column, list) else column[taken]

        return Core(**{name: take(name) for name in self.__slots__}), encoded[taken]

    @classmethod
    def concatenate(cls, parts: list[Core]) -> Core:
        def joined(name: str) -> Any:
            if name in ("clientid", "username", "ip_address"):
                return [value for part in parts for value in getattr(part, name)]
            return np.concatenate([getattr(part, name) for part in parts])

        if not parts:
            return draw(np.random.default_rng(0), 0, PopulationSpec(0, 0, 1, 0), 0)
        return cls(**{name: joined(name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Timeline:
    """State codes and (created_at, connected_at, disconnected_at) of some clients, ordered, none after now."""

    state: npt.NDArray[np.int8]
    created_at_ms: Int64s
    connected_at_ms: Int64s
    disconnected_at_ms: Int64s
    """`NO_TIME` for a client that is attached."""


def timeline(
    gen: np.random.Generator,
    now_ms: int,
    expiry: npt.NDArray[np.integer[Any]],
    clean: npt.NDArray[np.bool_],
    given: npt.NDArray[np.int8] | None = None,
) -> Timeline:
    """The state and instants of clients with these session expiries (seconds) and clean-start flags.

    The state is drawn, then replaced by `given` when there is one (`disconnected` needs an expiry); the draws
    are the same either way, so the generator moves on alike."""
    n = len(expiry)
    span = expiry.astype(np.int64) * 1000
    drawn = np.where(
        (expiry > 0) & (gen.random(n) < 0.5), 2, np.where((expiry == 0) & (gen.random(n) < 0.04), 1, 0)
    ).astype(np.int8)
    state = drawn if given is None else given
    disconnected = now_ms - (gen.uniform(0.01, 0.9, n) * span).astype(np.int64)
    connected_d = disconnected - 1000 - np.minimum(MONTH_MS, gen.exponential(2 * 3_600_000, n)).astype(np.int64)
    created_d = np.where(gen.random(n) < 0.5, connected_d, connected_d - (gen.random(n) * span).astype(np.int64))
    connected_i = now_ms - gen.integers(100, 5000, n)
    connected_c = now_ms - 1000 - np.minimum(MONTH_MS, gen.exponential(3 * DAY_MS, n)).astype(np.int64)
    kept = clean | (gen.random(n) < 0.5)
    created_c = np.where(kept, connected_c, connected_c - (gen.random(n) * span).astype(np.int64))
    return Timeline(
        state=state,
        created_at_ms=np.select([state == 2, state == 1], [created_d, connected_i], created_c).astype(np.int64),
        connected_at_ms=np.select([state == 2, state == 1], [connected_d, connected_i], connected_c).astype(np.int64),
        disconnected_at_ms=np.where(state == 2, disconnected, NO_TIME).astype(np.int64),
    )


def draw(
    gen: np.random.Generator, n: int, spec: PopulationSpec, now_ms: int, clientids: list[str] | None = None
) -> Core:
    """`n` generated clients as columns, every draw vectorized; `clientids` when they are given."""
    mqtt, mqtt_sn, coap = spec.protocols
    roll = gen.random(n) * (mqtt + mqtt_sn + coap)
    version = gen.choice(3, size=n, p=(0.55, 0.35, 0.10))
    protocol = np.where(roll < mqtt, version, np.where(roll < mqtt + mqtt_sn, 3, 4)).astype(np.int8)
    is_mqtt = protocol < 3
    listener = np.where(is_mqtt, gen.choice(4, size=n, p=(0.45, 0.30, 0.10, 0.15)), np.where(protocol == 3, 4, 5))
    clean = np.where(is_mqtt, gen.random(n) < 0.75, True)
    expiry = np.where(clean, 0, np.where(protocol == 0, V5_EXPIRIES[gen.integers(0, 4, n)], 7200)).astype(np.int32)
    times = timeline(gen, now_ms, expiry, clean)
    zone = gen.choice(3, size=n, p=(0.80, 0.15, 0.05)).astype(np.int8)
    node = gen.integers(0, spec.nodes, n).astype(np.int16)
    has_user = (gen.random(n) >= 0.15).tolist()
    user_bits = gen.integers(0, 2**63, n).tolist()
    styles = gen.integers(0, 8, n).tolist()
    firsts = gen.integers(0, 2**63, n).tolist()
    seconds = gen.integers(0, 2**63, n).tolist()
    if clientids is None:
        clientids = [clientid_from(s, a, b) for s, a, b in zip(styles, firsts, seconds, strict=True)]
    return Core(
        clientid=list(clientids),
        username=[username_from(bits) if user else None for user, bits in zip(has_user, user_bits, strict=True)],
        ip_address=_addresses(gen, n),
        node=node,
        zone=zone,
        protocol=protocol,
        listener=listener.astype(np.int8),
        clean_start=clean.astype(np.bool_),
        expiry_interval=expiry,
        state=times.state,
        created_at_ms=times.created_at_ms,
        connected_at_ms=times.connected_at_ms,
        disconnected_at_ms=times.disconnected_at_ms,
    )


def unique(gen: np.random.Generator, core: Core, taken: set[str]) -> None:
    """Replace the clientids of `core` already in `taken` (or twice in it) with fresh ones; record them all."""
    for row, clientid in enumerate(core.clientid):
        while clientid in taken:
            style, first, second = (int(v) for v in gen.integers(0, 2**63, 3))
            clientid = clientid_from(style % 8, first, second)
        core.clientid[row] = clientid
        taken.add(clientid)


def _addresses(gen: np.random.Generator, n: int) -> list[str]:
    """Public IPv4 addresses, and (one time in ten) global unicast IPv6 ones."""
    v4 = gen.integers(0, 2**32, n, dtype=np.uint64)
    while True:
        private = np.zeros(n, dtype=np.bool_)
        for network, mask in PRIVATE_V4_MASKS:
            private |= (v4 & np.uint64(mask)) == np.uint64(network)
        if not private.any():
            break
        v4[private] = gen.integers(0, 2**32, int(private.sum()), dtype=np.uint64)
    v6 = (gen.random(n) < 0.1).tolist()
    high = gen.integers(0, 2**61, n).tolist()
    low = gen.integers(0, 2**63, n).tolist()
    return [
        str(IPv6Address((1 << 125) | (h << 64) | (lo << 1)))
        if six
        else f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"
        for six, a, h, lo in zip(v6, v4.tolist(), high, low, strict=True)
    ]
