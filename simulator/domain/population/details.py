"""Per-client details: port, limits, traffic, subscriptions and certificate, drawn on demand from the client's
own random stream, so a generated client is the same whole client every time it is built.

The stream is counter-based: draw `i` of a client is SplitMix64 of its key (a hash of its clientid and the
seed) plus `i`, and each detail has draws of its own (`FIXED`, then `PER_SUBSCRIPTION` per subscription), so
the details of a whole page of clients are drawn at once, vectorized, and each client's are the same whichever
page it is built in."""

from __future__ import annotations

import functools
from collections.abc import Callable
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
SUBSCRIPTIONS_MAX = np.array([limits.subscriptions_max for limits in LIMITS], dtype=np.int64)
SSL, WSS = LISTENERS.index("ssl:default"), LISTENERS.index("wss:default")
COLUMNS = ("protocol", "listener", "node", "zone", "clean_start", "expiry_interval", "state", "created_at_ms",
           "connected_at_ms", "disconnected_at_ms")  # fmt: skip
"""The columns a client's fields are read from as they are."""
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
Floats = npt.NDArray[np.float64]
Words = npt.NDArray[np.uint64]


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


def uniforms(keys: Words, first: int, count: int) -> Floats:
    """Draws `first` to `first + count - 1` of the streams of `keys`: a row per key, uniform in [0, 1)."""
    counters = (np.arange(first, first + count, dtype=np.uint64) + np.uint64(1)) * GOLDEN
    drawn: Floats = (mixed(keys[:, None] + counters[None, :]) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return drawn


def stream_keys(clientids: npt.NDArray[np.bytes_], seed: int) -> Words:
    """The key of each client's stream: its clientid's hash, mixed with the seed's."""
    return hashes_of(clientids) ^ mixed(np.array([seed % 2**64], dtype=np.uint64))


def materialize(core: Core, row: int, spec: PopulationSpec) -> Client:
    """Generated client `row` of `core`, whole."""
    return materialize_rows(core, [row], spec)[0]


def materialize_rows(core: Core, rows: list[int], spec: PopulationSpec) -> list[Client]:
    """Generated clients `rows` of `core`, whole: their columns, and the rest drawn from their streams, every
    field computed for all of them at once (numpy), then the objects made."""
    if not rows:
        return []
    picked = np.array(rows, dtype=np.int64)
    keys = stream_keys(core.clientid[picked], spec.seed)
    draws = uniforms(keys, 0, FIXED)
    column: dict[str, list[Any]] = {name: getattr(core, name)[picked].tolist() for name in COLUMNS}
    state = core.state[picked]
    limit = np.select([draws[:, LIMIT] < 0.8, draws[:, LIMIT] < 0.9], [0, 1], 2)
    maximum = SUBSCRIPTIONS_MAX[limit]
    count = _counts(draws[:, COUNT], draws[:, SIZE], maximum)
    count = np.where(state == STATES.index(ConnState.IDLE), 0, maximum if spec.fill_subscriptions else count)
    listener = core.listener[picked]
    with_cert = ((listener == SSL) | (listener == WSS)) & (draws[:, CERT] < 0.4)
    traffic = _traffic(draws, state, count > 0, np.array([LIMITS[code].inflight_max for code in limit.tolist()]))
    mqtt5 = (core.protocol[picked] == PROTOCOLS.index(("MQTT", 5)))[:, None]
    subscriptions = _subscriptions(uniforms(keys, FIXED, int(count.max()) * PER_SUBSCRIPTION), mqtt5)
    names = companies(spec.seed)
    fields = zip(
        rows,
        core.clientid[picked].tolist(),
        _chosen(draws[:, PORT], 61000 - 32768, 32768),
        _chosen(draws[:, KEEPALIVE], KEEPALIVES),
        (draws[:, BRIDGE] < 0.01).tolist(),
        with_cert.tolist(),
        _chosen(draws[:, COMPANY], names),
        limit.tolist(),
        count.tolist(),
        traffic,
        strict=True,
    )
    clients = []
    for index, (row, encoded, port, keepalive, is_bridge, cert, company, code, held, used) in enumerate(fields):
        clientid = encoded.decode()
        proto_name, proto_ver = PROTOCOLS[column["protocol"][index]]
        disconnected = column["disconnected_at_ms"][index]
        identity = Identity(
            clientid=clientid,
            username=core.username_at(row),
            node=node_name(column["node"][index]),
            ip_address=core.ip_at(row),
            port=port,
            listener=LISTENERS[column["listener"][index]],
            zone=ZONES[column["zone"][index]],
            proto_name=proto_name,
            proto_ver=proto_ver,
            keepalive=keepalive,
            clean_start=column["clean_start"][index],
            expiry_interval=column["expiry_interval"][index],
            is_bridge=is_bridge,
            peersni=DEPLOYMENT_HOST,
            tenant_id_from="peersni",
            cn=clientid if cert else None,
            dn=f"CN={clientid},O={company},C=US" if cert else None,
        )
        clients.append(
            Client(
                identity=identity,
                limits=LIMITS[code],
                traffic=used,
                state=STATES[column["state"][index]],
                created_at_ms=column["created_at_ms"][index],
                connected_at_ms=column["connected_at_ms"][index],
                disconnected_at_ms=None if disconnected == NO_TIME else disconnected,
                subscriptions=subscriptions(index, held, clientid, identity.zone),
            )
        )
    return clients


def _chosen(draws: Floats, values: int | tuple[Any, ...], low: int = 0) -> list[Any]:
    """Each draw as one of `values` (or as an integer from `low`, `values` of them), equally likely."""
    size = values if isinstance(values, int) else len(values)
    picked = np.minimum((draws * size).astype(np.int64), size - 1)
    if isinstance(values, int):
        result: list[Any] = (picked + low).tolist()
        return result
    return [values[code] for code in picked.tolist()]


def _between_all(draws: Floats, low: int, high: npt.NDArray[np.int64] | int) -> npt.NDArray[np.int64]:
    """Each draw as an integer from `low` to `high`, both included."""
    span = np.asarray(high) - low + 1
    result: npt.NDArray[np.int64] = low + np.minimum((draws * span).astype(np.int64), span - 1)
    return result


def _counts(roll: Floats, size: Floats, maximum: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many subscriptions each client holds (when not idle): none, a few, more, or as many as it may."""
    result: npt.NDArray[np.int64] = np.select(
        [roll < 0.3, roll < 0.8, roll < 0.98],
        [0, _between_all(size, 1, 3), _between_all(size, 4, np.maximum(maximum, 4))],
        maximum,
    )
    return result


def _subscriptions(draws: Floats, mqtt5: npt.NDArray[np.bool_]) -> Callable[[int, int, str, str], dict[str, SubOpts]]:
    """Each client's subscriptions, from its draws per subscription: the options chosen for all at once, and
    a client's topics written when it is made."""
    slot = draws.reshape(draws.shape[0], -1, PER_SUBSCRIPTION)
    template = np.minimum((slot[:, :, TEMPLATE] * len(TOPIC_TEMPLATES)).astype(np.int64), len(TOPIC_TEMPLATES) - 1)
    shared = (template == SHARED) | (template == QUEUED)
    qos = np.array(QOS)[np.minimum((slot[:, :, SUB_QOS] * len(QOS)).astype(np.int64), len(QOS) - 1)]
    handling = np.array(RETAIN_HANDLING)[
        np.minimum((slot[:, :, HANDLING] * len(RETAIN_HANDLING)).astype(np.int64), len(RETAIN_HANDLING) - 1)
    ]
    no_local = mqtt5 & ~shared & (slot[:, :, NO_LOCAL] < 0.1)
    as_published = mqtt5 & (slot[:, :, AS_PUBLISHED] < 0.1)
    options = ((qos * 2 + no_local) * 2 + as_published) * 3 + np.where(mqtt5, handling, 0)
    templates, words, codes = template.tolist(), (slot[:, :, WORD] * 1000).astype(np.int64).tolist(), options.tolist()

    def of(index: int, count: int, clientid: str, zone: str) -> dict[str, SubOpts]:
        subscriptions: dict[str, SubOpts] = {}
        drawn = zip(templates[index][:count], words[index][:count], codes[index][:count], strict=True)
        for template, word, code in drawn:
            topic = TOPIC_TEMPLATES[template].format(clientid=clientid, zone=zone, word=f"room{word}")
            while topic in subscriptions:
                topic = f"{topic.rstrip('#+/') or 'x'}/{len(subscriptions)}"
            subscriptions[topic] = SUB_OPTIONS[code]
        return subscriptions

    return of


def _traffic(draws: Floats, state: npt.NDArray[np.int8], subscribed: npt.NDArray[np.bool_],
             inflight_max: npt.NDArray[np.int64]) -> list[Traffic]:  # fmt: skip
    """Each client's traffic: message rates, sizes and process gauges."""

    def rates(at: int, shares: tuple[float, float, float], kept: npt.NDArray[np.bool_]) -> list[Floats]:
        return [
            np.where(kept & (draws[:, at + 2 * step] < share), -np.log1p(-draws[:, at + 2 * step + 1]) * mean, 0.0)
            for step, (share, mean) in enumerate(zip(shares, (0.05, 0.02, 0.005), strict=True))
        ]

    everyone = np.ones(len(draws), dtype=np.bool_)
    received, sent = rates(RECEIVED, (0.9, 0.5, 0.1), everyone), rates(SENT, (0.8, 0.5, 0.1), subscribed)
    connected = state == STATES.index(ConnState.CONNECTED)
    disconnected = state == STATES.index(ConnState.DISCONNECTED)
    none = np.zeros(len(draws), dtype=np.int64)
    columns = (
        np.stack(received, axis=1).tolist(),
        np.stack(sent, axis=1).tolist(),
        np.array(PAYLOADS)[np.minimum((draws[:, PAYLOAD] * len(PAYLOADS)).astype(np.int64), len(PAYLOADS) - 1)],
        np.where(draws[:, DROPS] < 0.05, _between_all(draws[:, DROPPED], 1, 20), none),
        np.where(connected & (sent[1] > 0), _between_all(draws[:, INFLIGHT], 0, np.minimum(3, inflight_max)), none),
        np.where(disconnected & subscribed, _between_all(draws[:, QUEUED], 0, 50), none),
        np.where(draws[:, LOST] < 0.02, _between_all(draws[:, LOSSES], 1, 500), none),
        np.where(connected & (draws[:, AWAITING] < 0.05), _between_all(draws[:, AWAITED], 0, 2), none),
        np.where(connected & (draws[:, MAILBOX] < 0.05), _between_all(draws[:, MAILED], 1, 3), none),
        np.array(HEAP_SIZES)[np.minimum((draws[:, HEAP] * len(HEAP_SIZES)).astype(np.int64), len(HEAP_SIZES) - 1)],
        _between_all(draws[:, REDUCTIONS], 5000, 40000),
        0.5 + draws[:, REDUCTION_RATE] * 4.5,
    )
    listed = [column if isinstance(column, list) else column.tolist() for column in columns]
    return [
        Traffic(
            recv_rates=tuple(recv),
            send_rates=tuple(send),
            payload_bytes=payload,
            drop_permille=drop,
            inflight_cnt=inflight,
            mqueue_len=queued,
            mqueue_dropped=lost,
            awaiting_rel_cnt=awaiting,
            mailbox_len=mailbox,
            heap_size=heap,
            reductions_base=base,
            reductions_rate=rate,
        )
        for recv, send, payload, drop, inflight, queued, lost, awaiting, mailbox, heap, base, rate in zip(
            *listed, strict=True
        )
    ]
