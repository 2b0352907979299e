"""Domain objects to the wire shapes of the contract (field names and order as EMQX answers them)."""

from __future__ import annotations

from typing import Any

from simulator.domain.client import Client, SubOpts
from simulator.domain.clock import format_instant
from simulator.domain.query import Page
from simulator.domain.subscription import Subscription

Json = dict[str, Any]


def client_view(client: Client, now_ms: int) -> Json:
    """A client as `GET /clients/{clientid}` answers it, at the instant `now_ms`."""
    ident, limits, traffic = client.identity, client.limits, client.traffic
    stats = client.stats(now_ms)
    view: Json = {
        "peersni": ident.peersni,
        "reductions": stats.reductions,
        "expiry_interval": ident.expiry_interval,
        "clean_start": ident.clean_start,
        "send_msg.dropped.expired": stats.send_msg_dropped_expired,
        "recv_msg.qos0": stats.recv_msg_qos0,
        "mqueue_dropped": traffic.mqueue_dropped,
        "recv_cnt": stats.recv_cnt,
        "send_cnt": stats.send_cnt,
        "keepalive": ident.keepalive,
        "recv_oct": stats.recv_oct,
        "heap_size": traffic.heap_size,
        "recv_pkt": stats.recv_pkt,
        "recv_msg.dropped.await_pubrel_timeout": stats.recv_msg_dropped_await_pubrel_timeout,
        "proto_ver": ident.proto_ver,
        "inflight_max": limits.inflight_max,
        "send_msg.dropped": stats.send_msg_dropped,
        "created_at": format_instant(client.created_at_ms),
        "awaiting_rel_max": limits.awaiting_rel_max,
        "inflight_cnt": traffic.inflight_cnt,
        "ip_address": ident.ip_address,
        "mqueue_len": traffic.mqueue_len,
        "send_msg.qos2": stats.send_msg_qos2,
        "send_pkt": stats.send_pkt,
        "subscriptions_cnt": len(client.subscriptions),
        "send_msg.dropped.too_large": stats.send_msg_dropped_too_large,
        "recv_msg": stats.recv_msg,
        "send_msg.dropped.queue_full": stats.send_msg_dropped_queue_full,
        "send_msg": stats.send_msg,
        "node": ident.node,
        "awaiting_rel_cnt": traffic.awaiting_rel_cnt,
        "listener": ident.listener,
        "connected": client.connected,
        "username": ident.username,
        "recv_msg.qos1": stats.recv_msg_qos1,
        "proto_name": ident.proto_name,
        "port": ident.port,
        "send_msg.qos1": stats.send_msg_qos1,
        "is_persistent": ident.is_persistent,
        "enable_authn": ident.enable_authn,
        "mailbox_len": traffic.mailbox_len,
        "subscriptions_max": limits.subscriptions_max,
        "recv_msg.qos2": stats.recv_msg_qos2,
        "connected_at": format_instant(client.connected_at_ms),
        "tenant_id_from": ident.tenant_id_from,
        "is_bridge": ident.is_bridge,
        "clientid": ident.clientid,
        "send_oct": stats.send_oct,
        "send_msg.qos0": stats.send_msg_qos0,
        "mqueue_max": limits.mqueue_max,
        "cn": ident.cn,
        "recv_msg.dropped": stats.recv_msg_dropped,
        "dn": ident.dn,
        "zone": ident.zone,
        "mountpoint": None,
        "durable": False,
        "is_expired": False,
        "client_attrs": {},
    }
    if client.disconnected_at_ms is not None:
        view["disconnected_at"] = format_instant(client.disconnected_at_ms)
    return view


EMQX5_ORDER = (
    "node", "clientid", "username", "proto_name", "proto_ver", "ip_address", "port", "is_bridge", "clean_start",
    "keepalive", "expiry_interval", "connected", "connected_at", "disconnected_at", "created_at", "is_expired",
    "is_persistent", "durable", "listener", "mountpoint", "enable_authn", "peersni", "cn", "dn", "client_attrs",
    "auth_expire_at", "subscriptions_cnt", "subscriptions_max", "inflight_cnt", "inflight_max", "mqueue_len",
    "mqueue_max", "mqueue_dropped", "awaiting_rel_cnt", "awaiting_rel_max", "recv_oct", "recv_cnt", "recv_pkt",
    "recv_msg", "recv_msg.qos0", "recv_msg.qos1", "recv_msg.qos2", "recv_msg.dropped",
    "recv_msg.dropped.await_pubrel_timeout", "send_oct", "send_cnt", "send_pkt", "send_msg", "send_msg.qos0",
    "send_msg.qos1", "send_msg.qos2", "send_msg.dropped", "send_msg.dropped.expired", "send_msg.dropped.queue_full",
    "send_msg.dropped.too_large", "mailbox_len", "heap_size", "reductions",
)  # fmt: skip
"""The fields of a client as EMQX 5.8 answers it (`format_channel_info`), in one fixed order."""
EMQX5_ONLY: Json = {
    "is_expired": False,
    "durable": False,
    "mountpoint": None,
    "client_attrs": {},
    "auth_expire_at": None,
}


def emqx5_client_view(client: Client, now_ms: int) -> Json:
    """A client as the EMQX 5.8 server answers it: no `zone` or `tenant_id_from`; `mountpoint`, `durable`,
    `is_expired`, `client_attrs`; `cn`/`dn` only with a certificate."""
    cloud = {**client_view(client, now_ms), **EMQX5_ONLY}
    return {
        name: cloud[name]
        for name in EMQX5_ORDER
        if name in cloud and (cloud[name] is not None or name not in ("cn", "dn"))
    }


def page_meta(page: Page) -> Json:
    meta: Json = {"page": page.page, "limit": page.limit, "hasnext": page.hasnext}
    if page.count is not None:
        meta["count"] = page.count
    return meta


def subscription_view(subscription: Subscription) -> Json:
    return {
        "clientid": subscription.clientid,
        "topic": subscription.topic,
        **opts_view(subscription.opts),
        "node": subscription.node,
    }


def opts_view(opts: SubOpts) -> Json:
    return {"qos": opts.qos, "nl": opts.nl, "rap": opts.rap, "rh": opts.rh}
