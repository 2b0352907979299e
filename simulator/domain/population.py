"""Generation of a deterministic, varied, internally consistent population of clients from one seed."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv4Address, IPv6Address, ip_network
from typing import Any
from uuid import UUID

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


def node_names(count: int) -> list[str]:
    return [f"emqx@10.0.0.{index + 1}" for index in range(count)]


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


def generate(spec: PopulationSpec) -> list[Client]:
    """The documented clients, the explicit ones, then generated ones up to `spec.clients` in all."""
    rng = random.Random(spec.seed)
    fake = Faker("en_US")
    fake.seed_instance(spec.seed)
    nodes = node_names(spec.nodes)
    clients = documented_clients(nodes[0], spec.now_ms)[: spec.clients] if spec.documented else []
    taken = {client.clientid for client in clients}
    for fields_given in spec.explicit:
        clientid = str(fields_given["clientid"])
        if clientid in taken:
            raise ValueError(f"clientid {clientid!r} is given twice")
        taken.add(clientid)
        generated = _client(rng, fake, clientid, rng.choice(nodes), spec)
        clients.append(_override(rng, generated, fields_given, spec.now_ms))
    while len(clients) < spec.clients:
        clientid = _clientid(rng)
        if clientid in taken:
            continue
        taken.add(clientid)
        clients.append(_client(rng, fake, clientid, rng.choice(nodes), spec))
    return clients


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


def _clientid(rng: random.Random) -> str:
    style = rng.randrange(8)
    if style == 0:
        return f"mqttx_{rng.getrandbits(32):08x}"
    if style == 1:
        return f"device-{rng.randrange(1_000_000):06d}"
    if style == 2:
        return f"sensor-{UUID(int=rng.getrandbits(128), version=4)}"
    if style == 3:
        return f"{rng.choice(WORDS)}-{rng.getrandbits(16):04x}"
    if style == 4:
        return f"ESP32_{rng.getrandbits(24):06X}"
    if style == 5:
        return f"paho{rng.randrange(10**12, 10**13)}"
    if style == 6:
        return f"nodered_{rng.getrandbits(32):08x}"
    return f"{_username(rng)}_{rng.randrange(1000):03d}"


def _username(rng: random.Random) -> str:
    """A user name in the shapes Faker's en_US internet provider makes, drawn from its name lists."""
    first, last = rng.choice(FIRST_NAMES).lower(), rng.choice(LAST_NAMES).lower()
    shape = rng.randrange(4)
    if shape == 0:
        return f"{last}.{first}"
    if shape == 1:
        return f"{first}.{last}"
    if shape == 2:
        return f"{first}{rng.randrange(100):02d}"
    return f"{chr(rng.randrange(97, 123))}{last}"


def _ip(rng: random.Random) -> str:
    """A public IPv4 address, or (one time in ten) a global unicast IPv6 one."""
    if rng.random() < 0.1:
        return str(IPv6Address((1 << 125) | rng.getrandbits(125)))
    while True:
        address = IPv4Address(rng.getrandbits(32))
        if not any(address in network for network in PRIVATE_V4):
            return str(address)


def _client(rng: random.Random, fake: Faker, clientid: str, node: str, spec: PopulationSpec) -> Client:
    now_ms = spec.now_ms
    mqtt, mqtt_sn, coap = spec.protocols
    protocol = rng.random() * (mqtt + mqtt_sn + coap)
    if protocol < mqtt:
        proto_name, proto_ver = "MQTT", rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
        listener = rng.choices(("tcp:default", "ssl:default", "ws:default", "wss:default"), weights=(45, 30, 10, 15))[0]
        clean_start = rng.random() < 0.75
    elif protocol < mqtt + mqtt_sn:
        proto_name, proto_ver, listener, clean_start = "MQTT-SN", 1, "mqttsn:udp:default", True
    else:
        proto_name, proto_ver, listener, clean_start = "CoAP", 1, "coap:udp:default", True
    if clean_start:
        expiry = 0
    elif proto_ver == 5:
        expiry = rng.choice((300, 3600, 7200, 86400))
    else:
        expiry = 7200
    with_cert = listener in ("ssl:default", "wss:default") and rng.random() < 0.4
    identity = Identity(
        clientid=clientid,
        username=None if rng.random() < 0.15 else _username(rng),
        node=node,
        ip_address=_ip(rng),
        port=rng.randrange(32768, 61000),
        listener=listener,
        zone=rng.choices(("default", "external", "internal"), weights=(80, 15, 5))[0],
        proto_name=proto_name,
        proto_ver=proto_ver,
        keepalive=rng.choice((30, 60, 60, 60, 120, 300)),
        clean_start=clean_start,
        expiry_interval=expiry,
        is_bridge=rng.random() < 0.01,
        peersni=DEPLOYMENT_HOST,
        tenant_id_from="peersni",
        cn=clientid if with_cert else None,
        dn=f"CN={clientid},O={fake.company()},C=US" if with_cert else None,
    )
    limits = Limits(subscriptions_max=rng.choices((10, 32, 100), weights=(80, 10, 10))[0])
    state, created, connected, disconnected = _timeline(rng, expiry, clean_start, now_ms)
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
    fake = Faker("en_US")
    nodes = node_names(spec.nodes)

    def arrive(rng: random.Random, sequence: int, at_ms: int) -> Client:
        fake.seed_instance(rng.getrandbits(32))
        clientid = f"{_clientid(rng)}-{sequence:x}"
        client = _client(rng, fake, clientid, rng.choice(nodes), replace(spec, now_ms=at_ms))
        client.state, client.created_at_ms, client.connected_at_ms = ConnState.CONNECTED, at_ms, at_ms
        client.disconnected_at_ms = None
        return client

    return arrive
