"""The clients the published API document shows: `client_1` and `mqttx_07cb8109`."""

from __future__ import annotations

from simulator.domain.client import Client, ConnState, Identity, Limits, Traffic
from simulator.domain.population.spec import DEPLOYMENT_HOST


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
