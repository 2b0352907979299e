"""Generated clients as columns: every field filters, order and expiry read, drawn vectorized from the seed."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address, ip_network
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.domain.client import ConnState
from simulator.domain.population import formatting
from simulator.domain.population.formatting import ipv4_text, ipv6_text
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
VERSION_SHARES = np.array((0.55, 0.35, 0.10))
"""MQTT 5, 3.1.1 and 3.1 among MQTT clients."""
LISTENER_SHARES = np.array((0.45, 0.30, 0.10, 0.15))
ZONE_SHARES = np.array((0.80, 0.15, 0.05))
MOVED = 65_536
"""Rows copied at a time when columns are joined or reordered."""
VECTORIZED_FROM = 64
"""Rows from which names are built vectorized (`formatting`), rather than one by one."""
Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Core:
    """Generated clients as columns, one row each: what filters, order and expiry need. The rest of a client
    (port, limits, traffic, subscriptions, certificate) is drawn on demand from a source seeded by its clientid,
    so a million clients cost a hundred-odd bytes each: no Python object per client, the strings as fixed-width
    bytes and the addresses as numbers."""

    clientid: npt.NDArray[np.bytes_]
    username: npt.NDArray[np.bytes_]
    """b"" where the client has none (`has_username`)."""
    has_username: npt.NDArray[np.bool_]
    ip_v6: npt.NDArray[np.bool_]
    ip_high: npt.NDArray[np.uint64]
    """The IPv4 address, or an IPv6 address's `h` (`ipv6_address`)."""
    ip_low: npt.NDArray[np.uint64]
    """An IPv6 address's `lo`; 0 for an IPv4 one."""
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

    def clientid_at(self, row: int) -> str:
        value: bytes = self.clientid[row]
        return value.decode()

    def username_at(self, row: int) -> str | None:
        value: bytes = self.username[row]
        return value.decode() if self.has_username[row] else None

    def ip_at(self, row: int) -> str:
        high = int(self.ip_high[row])
        if self.ip_v6[row]:
            return ipv6_address(high, int(self.ip_low[row]))
        return f"{high >> 24}.{(high >> 16) & 255}.{(high >> 8) & 255}.{high & 255}"

    def ip_texts(self) -> list[tuple[Rows | None, npt.NDArray[np.bytes_]]]:
        """The addresses as text: the IPv4 rows' and the IPv6 rows', each as fixed-width bytes."""
        v6 = np.flatnonzero(self.ip_v6)
        v4 = np.flatnonzero(~self.ip_v6)
        return [(v4, ipv4_text(self.ip_high[v4])), (v6, ipv6_text(self.ip_high[v6], self.ip_low[v6]))]

    def sorted(self) -> Core:
        """The same clients in clientid (byte) order, the listing order read backwards. Sorted by numpy, and each
        column gathered a chunk of rows at a time: no step holds the GIL for long, so a population built in a
        thread leaves reads answered meanwhile."""
        taken = np.argsort(self.clientid, kind="stable")

        def gathered(column: Any) -> Any:
            result = np.empty_like(column)
            for at in range(0, len(column), MOVED):
                result[at : at + MOVED] = column[taken[at : at + MOVED]]
            return result

        return Core(**{name: gathered(getattr(self, name)) for name in self.__slots__})

    @classmethod
    def concatenate(cls, parts: list[Core]) -> Core:
        """The rows of `parts` one after the other, copied a part at a time (each as wide as the widest)."""
        if not parts:
            return draw(np.random.default_rng(0), 0, PopulationSpec(0, 0, 1, 0), 0)

        def joined(name: str) -> Any:
            columns = [getattr(part, name) for part in parts]
            dtype = max((column.dtype for column in columns), key=lambda dtype: dtype.itemsize)
            result = np.empty(sum(len(column) for column in columns), dtype=dtype)
            at = 0
            for column in columns:
                result[at : at + len(column)] = column
                at += len(column)
            return result

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
        created_at_ms=np.where(state == 2, created_d, np.where(state == 1, connected_i, created_c)).astype(np.int64),
        connected_at_ms=np.where(state == 2, connected_d, np.where(state == 1, connected_i, connected_c)).astype(
            np.int64
        ),
        disconnected_at_ms=np.where(state == 2, disconnected, NO_TIME).astype(np.int64),
    )


def draw(
    gen: np.random.Generator, n: int, spec: PopulationSpec, now_ms: int, clientids: list[str] | None = None
) -> Core:
    """`n` generated clients as columns, every draw vectorized; `clientids` when they are given."""
    mqtt, mqtt_sn, coap = spec.protocols
    roll = gen.random(n) * (mqtt + mqtt_sn + coap)
    version = _choice(gen, VERSION_SHARES, n)
    protocol = np.where(roll < mqtt, version, np.where(roll < mqtt + mqtt_sn, 3, 4)).astype(np.int8)
    is_mqtt = protocol < 3
    listener = np.where(is_mqtt, _choice(gen, LISTENER_SHARES, n), np.where(protocol == 3, 4, 5))
    clean = np.where(is_mqtt, gen.random(n) < 0.75, True)
    expiry = np.where(clean, 0, np.where(protocol == 0, V5_EXPIRIES[gen.integers(0, 4, n)], 7200)).astype(np.int32)
    times = timeline(gen, now_ms, expiry, clean)
    zone = _choice(gen, ZONE_SHARES, n).astype(np.int8)
    node = gen.integers(0, spec.nodes, n).astype(np.int16)
    has_user = gen.random(n) >= 0.15
    user_bits = gen.integers(0, 2**63, n)
    styles = gen.integers(0, 8, n)
    firsts = gen.integers(0, 2**63, n)
    seconds = gen.integers(0, 2**63, n)
    if n < VECTORIZED_FROM:  # a newcomer or a client put in place: the scalar functions are quicker for so few
        usernames = fixed_width([username_from(bits) for bits in user_bits.tolist()])
        if clientids is None:
            drawn = zip(styles.tolist(), firsts.tolist(), seconds.tolist(), strict=True)
            clientids = [clientid_from(style, first, second) for style, first, second in drawn]
    else:
        usernames = formatting.usernames(user_bits)
    usernames[~has_user] = b""
    v6, high, low = _addresses(gen, n)
    return Core(
        clientid=formatting.clientids(styles, firsts, seconds) if clientids is None else fixed_width(clientids),
        username=usernames,
        has_username=has_user,
        ip_v6=v6,
        ip_high=high,
        ip_low=low,
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


def _choice(gen: np.random.Generator, shares: npt.NDArray[np.float64], n: int) -> Int64s:
    """`gen.choice(len(shares), size=n, p=shares)`: the same indices from the same draws (a uniform each, looked
    up in the cumulative shares, as numpy does), without its checks, which cost more than the draw for one row."""
    cumulative = np.cumsum(shares)
    cumulative /= cumulative[-1]
    picked: Int64s = cumulative.searchsorted(gen.random(n), side="right").astype(np.int64)
    return picked


def ipv6_address(high: int, low: int) -> str:
    """The global unicast IPv6 address drawn as `high` (61 bits) and `low` (63 bits)."""
    return str(IPv6Address((1 << 125) | (high << 64) | (low << 1)))


def _addresses(gen: np.random.Generator, n: int) -> tuple[Mask, npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Public IPv4 addresses, and (one time in ten) global unicast IPv6 ones: which are IPv6, and their numbers."""
    v4 = gen.integers(0, 2**32, n, dtype=np.uint64)
    while True:
        private = np.zeros(n, dtype=np.bool_)
        for network, mask in PRIVATE_V4_MASKS:
            private |= (v4 & np.uint64(mask)) == np.uint64(network)
        if not private.any():
            break
        v4[private] = gen.integers(0, 2**32, int(private.sum()), dtype=np.uint64)
    v6 = gen.random(n) < 0.1
    high = gen.integers(0, 2**61, n).astype(np.uint64)
    low = gen.integers(0, 2**63, n).astype(np.uint64)
    return v6, np.where(v6, high, v4), np.where(v6, low, np.uint64(0))
