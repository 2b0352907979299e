"""Per-client details: port, limits, traffic, subscriptions and certificate, drawn on demand from the client's
own random source, so a generated client is the same whole client every time it is built."""

from __future__ import annotations

import functools
import random

from faker import Faker

from simulator.domain.client import Client, ConnState, Identity, Limits, SubOpts, Traffic
from simulator.domain.population.columns import LISTENERS, NO_TIME, PROTOCOLS, STATES, ZONES, Core
from simulator.domain.population.spec import DEPLOYMENT_HOST, PopulationSpec, node_name

HEAP_SIZES = (233, 376, 610, 987, 1598, 2586, 4185, 6772)
LIMITS = (Limits(subscriptions_max=10), Limits(subscriptions_max=32), Limits(subscriptions_max=100))
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


@functools.lru_cache(maxsize=16)
def companies(seed: int) -> tuple[str, ...]:
    """Company names for certificates' subjects, from Faker seeded with `seed`: drawn once per seed, since
    drawing them takes tens of milliseconds and every population and every newcomer of a seed needs them."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return tuple(fake.company() for _ in range(256))


def materialize(core: Core, row: int, spec: PopulationSpec) -> Client:
    """Generated client `row` of `core`, whole: its columns, and the rest drawn from its own random source in a
    fixed order of draws."""
    clientid = core.clientid_at(row)
    proto_name, proto_ver = PROTOCOLS[core.protocol[row]]
    disconnected = int(core.disconnected_at_ms[row])
    state = STATES[core.state[row]]
    listener = LISTENERS[core.listener[row]]
    rng = random.Random(f"{spec.seed}:{clientid}")
    with_cert = listener in ("ssl:default", "wss:default") and rng.random() < 0.4
    port = rng.randrange(32768, 61000)
    keepalive = rng.choice((30, 60, 60, 60, 120, 300))
    is_bridge = rng.random() < 0.01
    identity = Identity(
        clientid=clientid,
        username=core.username_at(row),
        node=node_name(int(core.node[row])),
        ip_address=core.ip_at(row),
        port=port,
        listener=listener,
        zone=ZONES[core.zone[row]],
        proto_name=proto_name,
        proto_ver=proto_ver,
        keepalive=keepalive,
        clean_start=bool(core.clean_start[row]),
        expiry_interval=int(core.expiry_interval[row]),
        is_bridge=is_bridge,
        peersni=DEPLOYMENT_HOST,
        tenant_id_from="peersni",
        cn=clientid if with_cert else None,
        dn=f"CN={clientid},O={rng.choice(companies(spec.seed))},C=US" if with_cert else None,
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
        created_at_ms=int(core.created_at_ms[row]),
        connected_at_ms=int(core.connected_at_ms[row]),
        disconnected_at_ms=None if disconnected == NO_TIME else disconnected,
        subscriptions=subscriptions,
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
