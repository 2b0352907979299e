"""A simulated MQTT client: its identity, limits, session state, subscriptions and traffic over time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class ConnState(StrEnum):
    """EMQX connection states: socket open and CONNECT accepted, socket open only, or socket gone."""

    CONNECTED = "connected"
    IDLE = "idle"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True, slots=True)
class SubOpts:
    """Options of one subscription."""

    qos: int = 0
    nl: int = 0
    rap: int = 0
    rh: int = 0


@dataclass(slots=True)
class Identity:
    """What a client is and how it connected; fixed for the life of the client: never changed in place (another
    identity is a new one, `replace`). Not frozen: a frozen dataclass takes seven times as long to make, and a
    page of clients never built makes a hundred."""

    clientid: str
    username: str | None
    node: str
    ip_address: str
    port: int
    listener: str
    zone: str
    proto_name: str
    proto_ver: int
    keepalive: int
    clean_start: bool
    expiry_interval: int
    is_bridge: bool = False
    enable_authn: bool = True
    is_persistent: bool = False
    peersni: str | None = None
    tenant_id_from: str | None = None
    cn: str | None = None
    dn: str | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """The session's configured maxima."""

    subscriptions_max: int = 10
    inflight_max: int = 32
    mqueue_max: int = 1000
    awaiting_rel_max: int = 100


@dataclass(slots=True)
class Traffic:
    """How a client uses its connection: message rates per second by QoS, sizes and process gauges. Never changed
    in place (not frozen, as `Identity` is not)."""

    recv_rates: tuple[float, float, float] = (0.0, 0.0, 0.0)
    send_rates: tuple[float, float, float] = (0.0, 0.0, 0.0)
    payload_bytes: int = 64
    drop_permille: int = 0
    inflight_cnt: int = 0
    mqueue_len: int = 0
    mqueue_dropped: int = 0
    awaiting_rel_cnt: int = 0
    mailbox_len: int = 0
    heap_size: int = 987
    reductions_base: int = 10000
    reductions_rate: float = 1.0
    mqueue_topic: str | None = None
    """A topic every queued message was published to, with payloads "1", "2", …; None: drawn from the seed."""
    inflight_topic: str | None = None
    """Likewise for the messages in flight."""
    message_qos: int = 1


@dataclass(slots=True)
class Stats:
    """The counters of a client at one instant (made for each view of a client, so not frozen: a frozen dataclass
    takes twice as long to make)."""

    recv_oct: int
    recv_cnt: int
    recv_pkt: int
    recv_msg: int
    recv_msg_qos0: int
    recv_msg_qos1: int
    recv_msg_qos2: int
    recv_msg_dropped: int
    recv_msg_dropped_await_pubrel_timeout: int
    send_oct: int
    send_cnt: int
    send_pkt: int
    send_msg: int
    send_msg_qos0: int
    send_msg_qos1: int
    send_msg_qos2: int
    send_msg_dropped: int
    send_msg_dropped_expired: int
    send_msg_dropped_queue_full: int
    send_msg_dropped_too_large: int
    reductions: int


@dataclass(slots=True)
class Client:
    """A client with a live session: connected, idle, or disconnected until its session expires."""

    identity: Identity
    limits: Limits
    traffic: Traffic
    state: ConnState
    created_at_ms: int
    connected_at_ms: int
    disconnected_at_ms: int | None = None
    subscriptions: dict[str, SubOpts] = field(default_factory=dict)
    authz_cleared_at_ms: int | None = None
    """When its authorization cache was last cleared through the API (it fills again on the next connect)."""

    @property
    def clientid(self) -> str:
        return self.identity.clientid

    @property
    def connected(self) -> bool:
        return self.state is ConnState.CONNECTED

    @property
    def expires_at_ms(self) -> int | None:
        """When a disconnected client's session ends and the client disappears; None while it is attached."""
        if self.disconnected_at_ms is None:
            return None
        return self.disconnected_at_ms + self.identity.expiry_interval * 1000

    def active_seconds(self, now_ms: int) -> float:
        """How long the connection has carried traffic up to `now_ms`, counted in whole seconds of the clock:
        counters move once a second, so every answer within one second agrees."""
        if self.state is ConnState.IDLE:
            return 0.0
        now_ms -= now_ms % 1000
        end = now_ms if self.disconnected_at_ms is None else min(now_ms, self.disconnected_at_ms)
        return max(0, end - self.connected_at_ms) / 1000

    def stats(self, now_ms: int) -> Stats:
        """Counters that grow with connected time, at this client's rates; consistent with each other."""
        t = self.traffic
        seconds = self.active_seconds(now_ms)
        handshake = 0 if self.state is ConnState.IDLE else 1
        received, sent = t.recv_rates, t.send_rates
        recv0, recv1, recv2 = int(received[0] * seconds), int(received[1] * seconds), int(received[2] * seconds)
        send0, send1, send2 = int(sent[0] * seconds), int(sent[1] * seconds), int(sent[2] * seconds)
        keepalive = self.identity.keepalive
        pings = int(seconds // keepalive) if keepalive else 0
        recv_msg, send_msg = recv0 + recv1 + recv2, send0 + send1 + send2
        acks_in = send1 + 2 * send2
        acks_out = recv1 + 2 * recv2
        recv_pkt = handshake + recv_msg + pings + acks_in
        send_pkt = handshake + send_msg + pings + acks_out
        drops = t.drop_permille
        await_pubrel = recv2 * drops // 1000
        expired = send1 * drops // 1000
        too_large = send0 * drops // 2000
        connect_bytes = 30 + len(self.identity.clientid) + len(self.identity.username or "")
        payload = t.payload_bytes + 20
        # Positional, in the order of `Stats`' fields (keywords take a third longer, for a hundred clients a page).
        return Stats(
            handshake * connect_bytes + recv_msg * payload + pings * 2 + acks_in * 4,  # recv_oct
            recv_pkt + 3 * handshake,  # recv_cnt
            recv_pkt, recv_msg, recv0, recv1, recv2,
            await_pubrel,  # recv_msg_dropped
            await_pubrel,  # recv_msg_dropped_await_pubrel_timeout
            handshake * 9 + send_msg * payload + pings * 2 + acks_out * 4,  # send_oct
            send_pkt,  # send_cnt
            send_pkt, send_msg, send0, send1, send2,
            expired + t.mqueue_dropped + too_large,  # send_msg_dropped
            expired, t.mqueue_dropped, too_large,
            t.reductions_base + int(seconds * t.reductions_rate) + (recv_pkt + send_pkt) * 150,  # reductions
        )  # fmt: skip


def authorization_cache(client: Client) -> list[tuple[str, str, int, int]]:
    """What the client's authorization cache holds: (action, topic, qos, checked at ms) of each subscription
    it made since it connected, allowed; nothing once cleared until it connects again."""
    if client.authz_cleared_at_ms is not None and client.authz_cleared_at_ms >= client.connected_at_ms:
        return []
    return [("subscribe", topic, opts.qos, client.connected_at_ms) for topic, opts in client.subscriptions.items()]


def subscribe(client: Client, topic: str, opts: SubOpts) -> bool:
    """Add or update a subscription; a new filter beyond `subscriptions_max` is dropped (False), as on EMQX."""
    if topic in client.subscriptions or len(client.subscriptions) < client.limits.subscriptions_max:
        client.subscriptions[topic] = opts
        return True
    return False


SESSION_SECONDS = 7200
"""The session expiry interval a client is given when it is disconnected without one, as scenarios do."""


def change_state(client: Client, state: ConnState, now_ms: int) -> None:
    """Move the client to `state` at `now_ms`. Connecting or opening a socket starts a new connection (an idle
    one holds no subscriptions, since its CONNECT is not accepted yet); disconnecting keeps the session for its
    expiry interval, so a client with none is given `SESSION_SECONDS` (and `clean_start` false) to keep one."""
    if state is client.state:
        return
    client.state = state
    if state is ConnState.DISCONNECTED:
        if client.identity.expiry_interval == 0:
            client.identity = replace(client.identity, expiry_interval=SESSION_SECONDS, clean_start=False)
        client.disconnected_at_ms = max(now_ms, client.connected_at_ms + 1)
        return
    client.connected_at_ms = now_ms
    client.disconnected_at_ms = None
    if state is ConnState.IDLE:
        client.subscriptions = {}


def copy(client: Client) -> Client:
    """A copy that later changes to `client` leave as it is (all it holds but its subscriptions is never changed in
    place)."""
    return Client(
        client.identity, client.limits, client.traffic, client.state, client.created_at_ms, client.connected_at_ms,
        client.disconnected_at_ms, dict(client.subscriptions), client.authz_cleared_at_ms,
    )  # fmt: skip


def unsubscribe(client: Client, topic: str) -> None:
    client.subscriptions.pop(topic, None)
