"""Generation of a deterministic, varied, internally consistent population of clients from one seed."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv6Address, ip_network
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt
from faker import Faker
from faker.providers.lorem.en_US import Provider as Lorem
from faker.providers.person.en_US import Provider as Person

from simulator.domain.client import Client, ConnState, Identity, Limits, SubOpts, Traffic

DEPLOYMENT_HOST = "qe92461d.dev-ala.cn-hangzhou.mqttce.com"
HEAP_SIZES = (233, 376, 610, 987, 1598, 2586, 4185, 6772)
FIRST_NAMES = tuple(sorted(Person.first_names))
LAST_NAMES = tuple(sorted(Person.last_names))
WORDS = tuple(Lorem.word_list)
PRIVATE_V4 = (
    ip_network("0.0.0.0/8"), ip_network("10.0.0.0/8"), ip_network("100.64.0.0/10"), ip_network("127.0.0.0/8"),
    ip_network("169.254.0.0/16"), ip_network("172.16.0.0/12"), ip_network("192.0.0.0/24"),
    ip_network("192.168.0.0/16"), ip_network("198.18.0.0/15"), ip_network("224.0.0.0/3"),
)  # fmt: skip
DAY_MS = 86_400_000


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


def documented_clients(node: str, now_ms: int) -> list[Client]:
    """The two clients the published API document shows: `client_1` and `mqttx_07cb8109`."""
    return [
        _documented("client_1", "aip_user1", "115.236.21.90", 13310, node, now_ms - 300_000, reductions=9800),
        _documented("mqttx_07cb8109", "aip_user2", "115.236.21.86", 13312, node, now_ms - 59_129, reductions=9500),
    ]


def _documented(
    clientid: str, username: str, ip: str, port: int, node: str, connected_ms: int, reductions: int
) -> Client:
    """A connected MQTT 5 client on tcp:default, configured as the document's example client is."""
    identity = Identity(
        clientid=clientid,
        username=username,
        node=node,
        ip_address=ip,
        port=port,
        listener="tcp:default",
        zone="default",
        proto_name="MQTT",
        proto_ver=5,
        keepalive=60,
        clean_start=True,
        expiry_interval=0,
        peersni=DEPLOYMENT_HOST,
        tenant_id_from="peersni",
    )
    traffic = Traffic(recv_rates=(0.05, 0.0, 0.0), heap_size=987, reductions_base=reductions, reductions_rate=2.0)
    return Client(
        identity, Limits(), traffic, ConnState.CONNECTED, created_at_ms=connected_ms, connected_at_ms=connected_ms
    )


PROTOCOLS = (("MQTT", 5), ("MQTT", 4), ("MQTT", 3), ("MQTT-SN", 1), ("CoAP", 1))
LISTENERS = ("tcp:default", "ssl:default", "ws:default", "wss:default", "mqttsn:udp:default", "coap:udp:default")
ZONES = ("default", "external", "internal")
STATES = (ConnState.CONNECTED, ConnState.IDLE, ConnState.DISCONNECTED)
V5_EXPIRIES = np.array((300, 3600, 7200, 86400), dtype=np.int32)
NO_TIME = -1
"""`disconnected_at` of a client that is attached."""
CHUNK = 65_536
PRIVATE_V4_MASKS = tuple((int(network.network_address), int(network.netmask)) for network in PRIVATE_V4)
Progress = Callable[[str, int, int], None]
"""Told how far a stage of building the population is: its name, rows done, rows in all."""


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
    created_at_ms: npt.NDArray[np.int64]
    connected_at_ms: npt.NDArray[np.int64]
    disconnected_at_ms: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.clientid)

    @classmethod
    def concatenate(cls, parts: list[Core]) -> Core:
        def joined(name: str) -> Any:
            if name in ("clientid", "username", "ip_address"):
                return [value for part in parts for value in getattr(part, name)]
            return np.concatenate([getattr(part, name) for part in parts])

        if not parts:
            return _draw(np.random.default_rng(0), 0, PopulationSpec(0, 0, 1, 0), 0)
        return cls(**{name: joined(name) for name in cls.__slots__})


@dataclass(slots=True)
class Population:
    """The clients of a spec: the documented and explicit ones as objects, the generated ones as columns."""

    spec: PopulationSpec
    objects: list[Client]
    core: Core
    companies: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.objects) + len(self.core)

    def materialize(self, row: int) -> Client:
        """Generated client `row`, whole; the same client every time."""
        core = self.core
        clientid = core.clientid[row]
        proto_name, proto_ver = PROTOCOLS[core.protocol[row]]
        disconnected = int(core.disconnected_at_ms[row])
        return _details(
            random.Random(f"{self.spec.seed}:{clientid}"),
            self.spec,
            self.companies,
            Identity(
                clientid=clientid,
                username=core.username[row],
                node=node_name(int(core.node[row])),
                ip_address=core.ip_address[row],
                port=0,
                listener=LISTENERS[core.listener[row]],
                zone=ZONES[core.zone[row]],
                proto_name=proto_name,
                proto_ver=proto_ver,
                keepalive=0,
                clean_start=bool(core.clean_start[row]),
                expiry_interval=int(core.expiry_interval[row]),
                peersni=DEPLOYMENT_HOST,
                tenant_id_from="peersni",
            ),
            STATES[core.state[row]],
            int(core.created_at_ms[row]),
            int(core.connected_at_ms[row]),
            None if disconnected == NO_TIME else disconnected,
        )

    def clients(self) -> list[Client]:
        """Every client, whole, in generation order."""
        return [*self.objects, *(self.materialize(row) for row in range(len(self.core)))]


def generate(spec: PopulationSpec) -> list[Client]:
    """The documented clients, the explicit ones, then generated ones up to `spec.clients` in all."""
    return build(spec).clients()


def build(spec: PopulationSpec, progress: Progress | None = None) -> Population:
    """The population of `spec`: the same clients for the same spec, built column-wise in chunks."""
    gen = np.random.default_rng(spec.seed % 2**64)
    companies = _companies(spec.seed)
    nodes = node_names(spec.nodes)
    objects = documented_clients(nodes[0], spec.now_ms)[: spec.clients] if spec.documented else []
    taken = {client.clientid for client in objects}
    explicit_ids = [str(given["clientid"]) for given in spec.explicit]
    for clientid in explicit_ids:
        if clientid in taken:
            raise ValueError(f"clientid {clientid!r} is given twice")
        taken.add(clientid)
    rng = random.Random(spec.seed)
    partial = Population(spec, [], _draw(gen, len(explicit_ids), spec, spec.now_ms, explicit_ids), companies)
    for row, given in enumerate(spec.explicit):
        objects.append(_override(rng, partial.materialize(row), given, spec.now_ms))
    wanted = max(0, spec.clients - len(objects))
    parts: list[Core] = []
    done = 0
    while done < wanted:
        count = min(CHUNK, wanted - done)
        part = _draw(gen, count, spec, spec.now_ms)
        _unique(gen, part, taken)
        parts.append(part)
        done += count
        if progress is not None:
            progress("generating", done, wanted)
    return Population(spec, objects, Core.concatenate(parts), companies)


def _companies(seed: int) -> tuple[str, ...]:
    """Company names for certificates' subjects, from Faker seeded with `seed` (drawn once, not per client)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return tuple(fake.company() for _ in range(256))


def _unique(gen: np.random.Generator, core: Core, taken: set[str]) -> None:
    """Replace the clientids of `core` already in `taken` (or twice in it) with fresh ones; record them all."""
    for row, clientid in enumerate(core.clientid):
        while clientid in taken:
            style, first, second = (int(v) for v in gen.integers(0, 2**63, 3))
            clientid = _clientid_from(style % 8, first, second)
        core.clientid[row] = clientid
        taken.add(clientid)


def _draw(
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
    span = expiry.astype(np.int64) * 1000
    state = np.where(
        (expiry > 0) & (gen.random(n) < 0.5), 2, np.where((expiry == 0) & (gen.random(n) < 0.04), 1, 0)
    ).astype(np.int8)
    month = 30 * DAY_MS
    disconnected = now_ms - (gen.uniform(0.01, 0.9, n) * span).astype(np.int64)
    connected_d = disconnected - 1000 - np.minimum(month, gen.exponential(2 * 3_600_000, n)).astype(np.int64)
    created_d = np.where(gen.random(n) < 0.5, connected_d, connected_d - (gen.random(n) * span).astype(np.int64))
    connected_i = now_ms - gen.integers(100, 5000, n)
    connected_c = now_ms - 1000 - np.minimum(month, gen.exponential(3 * DAY_MS, n)).astype(np.int64)
    kept = clean | (gen.random(n) < 0.5)
    created_c = np.where(kept, connected_c, connected_c - (gen.random(n) * span).astype(np.int64))
    connected = np.select([state == 2, state == 1], [connected_d, connected_i], connected_c).astype(np.int64)
    created = np.select([state == 2, state == 1], [created_d, connected_i], created_c).astype(np.int64)
    zone = gen.choice(3, size=n, p=(0.80, 0.15, 0.05)).astype(np.int8)
    node = gen.integers(0, spec.nodes, n).astype(np.int16)
    has_user = (gen.random(n) >= 0.15).tolist()
    user_bits = gen.integers(0, 2**63, n).tolist()
    styles = gen.integers(0, 8, n).tolist()
    firsts = gen.integers(0, 2**63, n).tolist()
    seconds = gen.integers(0, 2**63, n).tolist()
    if clientids is None:
        clientids = [_clientid_from(s, a, b) for s, a, b in zip(styles, firsts, seconds, strict=True)]
    return Core(
        clientid=list(clientids),
        username=[_username_from(bits) if user else None for user, bits in zip(has_user, user_bits, strict=True)],
        ip_address=_addresses(gen, n),
        node=node,
        zone=zone,
        protocol=protocol,
        listener=listener.astype(np.int8),
        clean_start=clean.astype(np.bool_),
        expiry_interval=expiry,
        state=state,
        created_at_ms=created,
        connected_at_ms=connected,
        disconnected_at_ms=np.where(state == 2, disconnected, NO_TIME).astype(np.int64),
    )


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


def _clientid_from(style: int, first: int, second: int) -> str:
    """A clientid in one of the shapes real fleets use, from two random 63-bit numbers."""
    return CLIENTID_SHAPES[style](first, second)


CLIENTID_SHAPES: tuple[Callable[[int, int], str], ...] = (
    lambda first, _: f"mqttx_{first & 0xFFFFFFFF:08x}",
    lambda first, _: f"device-{first % 1_000_000:06d}",
    lambda first, second: f"sensor-{UUID(int=(first << 65) | (second << 2), version=4)}",
    lambda first, second: f"{WORDS[first % len(WORDS)]}-{second & 0xFFFF:04x}",
    lambda first, _: f"ESP32_{first & 0xFFFFFF:06X}",
    lambda first, _: f"paho{10**12 + first % (9 * 10**12)}",
    lambda first, _: f"nodered_{first & 0xFFFFFFFF:08x}",
    lambda first, second: f"{_username_from(first)}_{second % 1000:03d}",
)


def _username_from(bits: int) -> str:
    """A user name in the shapes Faker's en_US internet provider makes, drawn from its name lists."""
    first = FIRST_NAMES[(bits >> 2) % len(FIRST_NAMES)].lower()
    last = LAST_NAMES[(bits >> 20) % len(LAST_NAMES)].lower()
    shape = bits & 3
    if shape == 0:
        return f"{last}.{first}"
    if shape == 1:
        return f"{first}.{last}"
    if shape == 2:
        return f"{first}{(bits >> 40) % 100:02d}"
    return f"{chr(97 + (bits >> 48) % 26)}{last}"


IDENTITY_FIELDS = frozenset(f.name for f in fields(Identity)) - {"clientid"}
LIMIT_FIELDS = frozenset(f.name for f in fields(Limits))


def _override(rng: random.Random, client: Client, given: Mapping[str, Any], now_ms: int) -> Client:
    """`client` with the fields a scenario gives; timestamps are drawn again when the state is given."""
    identity = replace(client.identity, **{k: v for k, v in given.items() if k in IDENTITY_FIELDS})
    if identity.clean_start != (identity.expiry_interval == 0):
        identity = replace(identity, clean_start=identity.expiry_interval == 0)
    state = ConnState(given.get("state", client.state))
    if state is ConnState.DISCONNECTED and identity.expiry_interval == 0:
        identity = replace(identity, expiry_interval=7200, clean_start=False)
    limits = replace(client.limits, **{k: v for k, v in given.items() if k in LIMIT_FIELDS})
    result = replace(client, identity=identity, limits=limits)
    if "state" in given or identity != client.identity:
        result.state, result.created_at_ms, result.connected_at_ms, result.disconnected_at_ms = _timeline(
            rng, identity.expiry_interval, identity.clean_start, now_ms, state
        )
    if "subscriptions" in given:
        result.subscriptions = {topic: SubOpts(qos=int(qos)) for topic, qos in given["subscriptions"].items()}
    elif result.state is ConnState.IDLE or len(result.subscriptions) > limits.subscriptions_max:
        result.subscriptions = {}
    return result


def _details(
    rng: random.Random,
    spec: PopulationSpec,
    companies: tuple[str, ...],
    identity: Identity,
    state: ConnState,
    created: int,
    connected: int,
    disconnected: int | None,
) -> Client:
    """A whole client from its generated columns and a random source of its own, in a fixed order of draws."""
    clientid = identity.clientid
    with_cert = identity.listener in ("ssl:default", "wss:default") and rng.random() < 0.4
    identity = replace(
        identity,
        port=rng.randrange(32768, 61000),
        keepalive=rng.choice((30, 60, 60, 60, 120, 300)),
        is_bridge=rng.random() < 0.01,
        cn=clientid if with_cert else None,
        dn=f"CN={clientid},O={rng.choice(companies)},C=US" if with_cert else None,
    )
    limits = LIMITS[rng.choices((0, 1, 2), weights=(80, 10, 10))[0]]
    wanted = limits.subscriptions_max if spec.fill_subscriptions else None
    subscriptions = (
        {} if state is ConnState.IDLE else _subscriptions(rng, clientid, identity, limits.subscriptions_max, wanted)
    )
    return Client(
        identity=identity,
        limits=limits,
        traffic=_traffic(rng, state, bool(subscriptions), limits),
        state=state,
        created_at_ms=created,
        connected_at_ms=connected,
        disconnected_at_ms=disconnected,
        subscriptions=subscriptions,
    )


LIMITS = (Limits(subscriptions_max=10), Limits(subscriptions_max=32), Limits(subscriptions_max=100))


def _timeline(
    rng: random.Random, expiry: int, clean_start: bool, now_ms: int, state: ConnState | None = None
) -> tuple[ConnState, int, int, int | None]:
    """State and (created_at, connected_at, disconnected_at), ordered and all at or before `now_ms`.

    The state is drawn unless given; `disconnected` needs `expiry > 0`.
    """
    if state is None:
        if expiry > 0 and rng.random() < 0.5:
            state = ConnState.DISCONNECTED
        elif rng.random() < 0.03:
            state = ConnState.IDLE
        else:
            state = ConnState.CONNECTED
    if state is ConnState.DISCONNECTED:
        disconnected = now_ms - int(rng.uniform(0.01, 0.9) * expiry * 1000)
        connected = disconnected - 1000 - int(min(30 * DAY_MS, rng.expovariate(1 / (2 * 3_600_000))))
        created = connected if rng.random() < 0.5 else connected - int(rng.uniform(0, expiry) * 1000)
        return ConnState.DISCONNECTED, created, connected, disconnected
    if state is ConnState.IDLE:
        connected = now_ms - rng.randrange(100, 5000)
        return ConnState.IDLE, connected, connected, None
    connected = now_ms - 1000 - int(min(30 * DAY_MS, rng.expovariate(1 / (3 * DAY_MS))))
    created = connected if clean_start or rng.random() < 0.5 else connected - int(rng.uniform(0, expiry) * 1000)
    return ConnState.CONNECTED, created, connected, None


TOPIC_TEMPLATES = (
    "devices/{clientid}/cmd",
    "devices/{clientid}/config",
    "sensors/+/temperature",
    "sensors/#",
    "t/a",
    "t/b",
    "alerts/#",
    "fleet/{zone}/+/status",
    "$share/workers/jobs/+",
    "$queue/tasks",
    "home/{word}/light",
    "$SYS/brokers/+/clients/#",
)


def _subscriptions(
    rng: random.Random, clientid: str, identity: Identity, maximum: int, wanted: int | None = None
) -> dict[str, SubOpts]:
    roll = rng.random()
    if wanted is not None:
        count = wanted
    elif roll < 0.3:
        count = 0
    elif roll < 0.8:
        count = rng.randint(1, 3)
    elif roll < 0.98:
        count = rng.randint(4, maximum)
    else:
        count = maximum
    mqtt5 = identity.proto_name == "MQTT" and identity.proto_ver == 5
    subscriptions: dict[str, SubOpts] = {}
    templates = list(TOPIC_TEMPLATES)
    while len(subscriptions) < count:
        template = rng.choice(templates)
        topic = template.format(clientid=clientid, zone=identity.zone, word=f"room{rng.randrange(1000)}")
        if topic in subscriptions:
            topic = f"{topic.rstrip('#+/') or 'x'}/{len(subscriptions)}"
        shared = topic.startswith(("$share/", "$queue/"))
        subscriptions[topic] = SubOpts(
            qos=rng.choice((0, 0, 1, 1, 2)),
            nl=1 if mqtt5 and not shared and rng.random() < 0.1 else 0,
            rap=1 if mqtt5 and rng.random() < 0.1 else 0,
            rh=rng.choice((0, 0, 0, 1, 2)) if mqtt5 else 0,
        )
    return subscriptions


def _traffic(rng: random.Random, state: ConnState, subscribed: bool, limits: Limits) -> Traffic:
    def rate(mean: float, share: float) -> float:
        return rng.expovariate(1 / mean) if rng.random() < share else 0.0

    sends = (rate(0.05, 0.8), rate(0.02, 0.5), rate(0.005, 0.1)) if subscribed else (0.0, 0.0, 0.0)
    connected = state is ConnState.CONNECTED
    return Traffic(
        recv_rates=(rate(0.05, 0.9), rate(0.02, 0.5), rate(0.005, 0.1)),
        send_rates=sends,
        payload_bytes=rng.choice((16, 32, 64, 128, 256, 512, 1024)),
        drop_permille=rng.randint(1, 20) if rng.random() < 0.05 else 0,
        inflight_cnt=rng.randint(0, min(3, limits.inflight_max)) if connected and sends[1] > 0 else 0,
        mqueue_len=rng.randint(0, 50) if state is ConnState.DISCONNECTED and subscribed else 0,
        mqueue_dropped=rng.randint(1, 500) if rng.random() < 0.02 else 0,
        awaiting_rel_cnt=rng.randint(0, 2) if connected and rng.random() < 0.05 else 0,
        mailbox_len=rng.randint(1, 3) if connected and rng.random() < 0.05 else 0,
        heap_size=rng.choice(HEAP_SIZES),
        reductions_base=rng.randint(5000, 40000),
        reductions_rate=rng.uniform(0.5, 5.0),
    )


def arrivals(spec: PopulationSpec) -> Callable[[random.Random, int, int], Client]:
    """A factory of newly connected clients for churn, drawing from the random source it is given."""
    companies = _companies(spec.seed)

    def arrive(rng: random.Random, sequence: int, at_ms: int) -> Client:
        gen = np.random.default_rng(rng.getrandbits(64))
        core = _draw(gen, 1, spec, at_ms)
        core.clientid[0] = f"{core.clientid[0]}-{sequence:x}"
        client = Population(spec, [], core, companies).materialize(0)
        client.state, client.created_at_ms, client.connected_at_ms = ConnState.CONNECTED, at_ms, at_ms
        client.disconnected_at_ms = None
        return client

    return arrive
