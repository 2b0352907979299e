"""Per-client details: port, limits, traffic, subscriptions and certificate, drawn on demand from the client's
own random stream, so a generated client is the same whole client every time it is built.

The stream is counter-based: draw `i` of a client is SplitMix64 of its key (a hash of its clientid and the
seed) plus `i`, and each detail has draws of its own (`FIXED`, then `PER_SUBSCRIPTION` per subscription), so
the details of a whole page of clients are drawn at once, vectorized, and each client's are the same whichever
page it is built in."""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import numpy.typing as npt
from faker import Faker

from simulator.domain.client import Client, ConnState, Identity, Limits, SubOpts, Traffic
from simulator.domain.population.columns import LISTENERS, NO_TIME, PROTOCOLS, STATES, ZONES, Core
from simulator.domain.population.spec import DEPLOYMENT_HOST, PopulationSpec, node_name
from simulator.domain.search import hashes_of

HEAP_SIZES = (233, 376, 610, 987, 1598, 2586, 4185, 6772)
LIMITS = (Limits(subscriptions_max=10), Limits(subscriptions_max=32), Limits(subscriptions_max=100))
KEEPALIVES = (30, 60, 60, 60, 120, 300)
PAYLOADS = (16, 32, 64, 128, 256, 512, 1024)
QOS = (0, 0, 1, 1, 2)
RETAIN_HANDLING = (0, 0, 0, 1, 2)
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
CERT, PORT, KEEPALIVE, BRIDGE, COMPANY, LIMIT, COUNT, SIZE = range(8)
RECEIVED, SENT = 8, 14
"""Three rates each: whether there is one, then how high it is."""
PAYLOAD, DROPS, DROPPED, INFLIGHT, QUEUED, LOST, LOSSES, AWAITING, AWAITED, MAILBOX, MAILED = range(20, 31)
HEAP, REDUCTIONS, REDUCTION_RATE = range(31, 34)
FIXED = 34
"""Draws of a client before its subscriptions'."""
TEMPLATE, WORD, SUB_QOS, NO_LOCAL, AS_PUBLISHED, HANDLING = range(6)
PER_SUBSCRIPTION = 6
SHARED, QUEUED = TOPIC_TEMPLATES.index("$share/workers/jobs/+"), TOPIC_TEMPLATES.index("$queue/tasks")
SUB_OPTIONS = tuple(
    SubOpts(qos=qos, nl=nl, rap=rap, rh=rh)
    for qos in range(3)
    for nl in range(2)
    for rap in range(2)
    for rh in range(3)
)
"""Every set of subscription options, by `((qos * 2 + nl) * 2 + rap) * 3 + rh`."""
TEMPLATES, KEEPALIVE_CHOICES, PAYLOAD_CHOICES, HEAP_CHOICES, QOS_CHOICES, HANDLING_CHOICES = map(
    len, (TOPIC_TEMPLATES, KEEPALIVES, PAYLOADS, HEAP_SIZES, QOS, RETAIN_HANDLING)
)
FORMATTED = frozenset(index for index, template in enumerate(TOPIC_TEMPLATES) if "{" in template)
NONE = (0.0, 0.0, 0.0)
SSL, WSS = LISTENERS.index("ssl:default"), LISTENERS.index("wss:default")
COLUMNS = ("clientid", "protocol", "listener", "node", "zone", "clean_start", "expiry_interval", "state",
           "created_at_ms", "connected_at_ms", "disconnected_at_ms")  # fmt: skip
"""The columns a client's fields are read from as they are."""
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
Floats = npt.NDArray[np.float64]
Words = npt.NDArray[np.uint64]
Picks = list[tuple[int, int, int, int]]
"""What subscriptions' draws pick (`_picks`)."""
QOS_CODES, HANDLING_CODES = np.array(QOS), np.array(RETAIN_HANDLING)
"""`QOS` and `RETAIN_HANDLING`, looked up for a page's subscriptions at once."""


@functools.lru_cache(maxsize=16)
def companies(seed: int) -> tuple[str, ...]:
    """Company names for certificates' subjects, from Faker seeded with `seed`: drawn once per seed, since
    drawing them takes tens of milliseconds and every population and every newcomer of a seed needs them."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return tuple(fake.company() for _ in range(256))


def mixed(z: Words) -> Words:
    """SplitMix64's finalizer of each of `z`."""
    z = (z ^ (z >> np.uint64(30))) * MIX[0]
    z = (z ^ (z >> np.uint64(27))) * MIX[1]
    result: Words = z ^ (z >> np.uint64(31))
    return result


def draw(keys: Words, counters: npt.NDArray[np.integer[Any]]) -> Floats:
    """Draw `counters[i]` of the stream of `keys[i]` (broadcast alike), uniform in [0, 1)."""
    steps = (counters.astype(np.uint64) + np.uint64(1)) * GOLDEN
    drawn: Floats = (mixed(keys + steps) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return drawn


def uniforms(keys: Words, first: int, count: int) -> Floats:
    """Draws `first` to `first + count - 1` of the streams of `keys`: a row per key."""
    return draw(keys[:, None], np.arange(first, first + count)[None, :])


def stream_keys(clientids: npt.NDArray[np.bytes_], seed: int) -> Words:
    """The key of each client's stream: its clientid's hash, mixed with the seed's."""
    return hashes_of(clientids) ^ mixed(np.array([seed % 2**64], dtype=np.uint64))


def materialize(core: Core, row: int, spec: PopulationSpec) -> Client:
    """Generated client `row` of `core`, whole."""
    return materialize_rows(core, [row], spec)[0]


def materialize_rows(core: Core, rows: list[int], spec: PopulationSpec) -> list[Client]:
    """Generated clients `rows` of `core`, whole: their columns, and the rest from their streams' draws, drawn for
    all of them at once; then each client made from its own."""
    if not rows:
        return []
    picked = np.array(rows, dtype=np.int64)
    keys = stream_keys(core.clientid[picked], spec.seed)
    fixed = uniforms(keys, 0, FIXED).tolist()
    limits = [LIMITS[0 if draws[LIMIT] < 0.8 else 1 if draws[LIMIT] < 0.9 else 2] for draws in fixed]
    counts = [
        0 if STATES[state] is ConnState.IDLE else limit.subscriptions_max if spec.fill_subscriptions else
        _count(draws, limit)
        for draws, limit, state in zip(fixed, limits, core.state[picked].tolist(), strict=True)
    ]  # fmt: skip
    # The subscriptions' own draws: as many as each client needs, drawn for all of them at once, and what each
    # subscription's draws pick (template, word, options) worked out for all of them at once too.
    sizes = np.array(counts, dtype=np.int64)
    ends = np.cumsum(sizes)
    counters = np.arange(int(ends[-1]) * PER_SUBSCRIPTION, dtype=np.int64) - np.repeat(
        (ends - sizes) * PER_SUBSCRIPTION, sizes * PER_SUBSCRIPTION
    )
    picks = _picks(draw(np.repeat(keys, sizes * PER_SUBSCRIPTION), counters + FIXED).reshape(-1, PER_SUBSCRIPTION))
    subscribed = [picks[end - size : end] for end, size in zip(ends.tolist(), sizes.tolist(), strict=True)]
    usernames = [
        name.decode() if has else None
        for name, has in zip(core.username[picked].tolist(), core.has_username[picked].tolist(), strict=True)
    ]
    columns = zip(*(getattr(core, name)[picked].tolist() for name in COLUMNS), strict=True)
    names = companies(spec.seed)
    made = zip(fixed, subscribed, limits, counts, usernames, map(core.ip_at, rows), columns, strict=True)
    return [
        _made(draws, held, limit, count, username, ip_address, values, names)
        for draws, held, limit, count, username, ip_address, values in made
    ]


def _made(draws: list[float], subscribed: Picks, limits: Limits, count: int, username: str | None,
          ip_address: str, columns: tuple[Any, ...], names: tuple[str, ...]) -> Client:  # fmt: skip
    """A client from its columns (`COLUMNS`) and draws."""
    encoded, protocol, listener, node, zone, clean, expiry, state_code, created, connected, disconnected = columns
    clientid = encoded.decode()
    proto_name, proto_ver = PROTOCOLS[protocol]
    state = STATES[state_code]
    with_cert = listener in (SSL, WSS) and draws[CERT] < 0.4
    # Positional, in the order of `Identity`'s and `Client`'s fields (a page of clients never built makes a hundred).
    identity = Identity(
        clientid,
        username,
        node_name(node),
        ip_address,
        32768 + int(draws[PORT] * (61000 - 32768)),  # port
        LISTENERS[listener],
        ZONES[zone],
        proto_name,
        proto_ver,
        KEEPALIVES[int(draws[KEEPALIVE] * KEEPALIVE_CHOICES)],
        clean,  # clean_start
        expiry,  # expiry_interval
        draws[BRIDGE] < 0.01,  # is_bridge
        True,  # enable_authn
        False,  # is_persistent
        DEPLOYMENT_HOST,  # peersni
        "peersni",  # tenant_id_from
        clientid if with_cert else None,  # cn
        f"CN={clientid},O={names[int(draws[COMPANY] * len(names))]},C=US" if with_cert else None,  # dn
    )
    return Client(
        identity,
        limits,
        _traffic(draws, state, count > 0, limits),
        state,
        created,  # created_at_ms
        connected,  # connected_at_ms
        None if disconnected == NO_TIME else disconnected,  # disconnected_at_ms
        _subscriptions(subscribed, identity),
    )


def _between(low: int, high: int, draw: float) -> int:
    """An integer from `low` to `high`, both included (a draw is below 1, so its product never reaches the end)."""
    return low + int(draw * (high - low + 1))


def _count(draws: list[float], limits: Limits) -> int:
    """How many subscriptions a client holds: none, a few, more, or as many as it may."""
    roll = draws[COUNT]
    if roll < 0.3:
        return 0
    if roll < 0.8:
        return _between(1, 3, draws[SIZE])
    if roll < 0.98:
        return _between(4, limits.subscriptions_max, draws[SIZE])
    return limits.subscriptions_max


def _picks(draws: Floats) -> Picks:
    """What each subscription's draws (a row each) pick: its topic template, the word of a `home/{word}/light`, its
    options (`SUB_OPTIONS`' index) under MQTT 5, and under an earlier version (QoS alone)."""
    template = (draws[:, TEMPLATE] * TEMPLATES).astype(np.int64)
    word = (draws[:, WORD] * 1000).astype(np.int64)
    qos = QOS_CODES[(draws[:, SUB_QOS] * QOS_CHOICES).astype(np.int64)]
    nl = (template != SHARED) & (template != QUEUED) & (draws[:, NO_LOCAL] < 0.1)
    rap = draws[:, AS_PUBLISHED] < 0.1
    rh = HANDLING_CODES[(draws[:, HANDLING] * HANDLING_CHOICES).astype(np.int64)]
    mqtt5 = ((qos * 2 + nl) * 2 + rap) * 3 + rh
    return list(zip(template.tolist(), word.tolist(), mqtt5.tolist(), (qos * 12).tolist(), strict=True))


def _subscriptions(picks: Picks, identity: Identity) -> dict[str, SubOpts]:
    mqtt5 = identity.proto_name == "MQTT" and identity.proto_ver == 5
    clientid, zone = identity.clientid, identity.zone
    subscriptions: dict[str, SubOpts] = {}
    for template, word, options5, options in picks:
        topic = TOPIC_TEMPLATES[template]
        if template in FORMATTED:
            topic = topic.format(clientid=clientid, zone=zone, word=f"room{word}")
        while topic in subscriptions:
            topic = f"{topic.rstrip('#+/') or 'x'}/{len(subscriptions)}"
        subscriptions[topic] = SUB_OPTIONS[options5 if mqtt5 else options]
    return subscriptions


def _traffic(draws: list[float], state: ConnState, subscribed: bool, limits: Limits) -> Traffic:
    log = math.log
    # A rate: whether there is one (draw `at`), then how high it is (draw `at + 1`), exponential about its mean.
    recv = (
        -log(1.0 - draws[RECEIVED + 1]) * 0.05 if draws[RECEIVED] < 0.9 else 0.0,
        -log(1.0 - draws[RECEIVED + 3]) * 0.02 if draws[RECEIVED + 2] < 0.5 else 0.0,
        -log(1.0 - draws[RECEIVED + 5]) * 0.005 if draws[RECEIVED + 4] < 0.1 else 0.0,
    )
    sends = (
        -log(1.0 - draws[SENT + 1]) * 0.05 if draws[SENT] < 0.8 else 0.0,
        -log(1.0 - draws[SENT + 3]) * 0.02 if draws[SENT + 2] < 0.5 else 0.0,
        -log(1.0 - draws[SENT + 5]) * 0.005 if draws[SENT + 4] < 0.1 else 0.0,
    ) if subscribed else NONE  # fmt: skip
    connected = state is ConnState.CONNECTED
    # Positional, in the order of `Traffic`'s fields (a page of clients makes a hundred).
    return Traffic(
        recv, sends,
        PAYLOADS[int(draws[PAYLOAD] * PAYLOAD_CHOICES)],  # payload_bytes
        _between(1, 20, draws[DROPPED]) if draws[DROPS] < 0.05 else 0,  # drop_permille
        _between(0, min(3, limits.inflight_max), draws[INFLIGHT]) if connected and sends[1] > 0 else 0,  # inflight_cnt
        _between(0, 50, draws[QUEUED]) if state is ConnState.DISCONNECTED and subscribed else 0,  # mqueue_len
        _between(1, 500, draws[LOSSES]) if draws[LOST] < 0.02 else 0,  # mqueue_dropped
        _between(0, 2, draws[AWAITED]) if connected and draws[AWAITING] < 0.05 else 0,  # awaiting_rel_cnt
        _between(1, 3, draws[MAILED]) if connected and draws[MAILBOX] < 0.05 else 0,  # mailbox_len
        HEAP_SIZES[int(draws[HEAP] * HEAP_CHOICES)],  # heap_size
        _between(5000, 40000, draws[REDUCTIONS]),  # reductions_base
        0.5 + draws[REDUCTION_RATE] * 4.5,  # reductions_rate
    )  # fmt: skip
