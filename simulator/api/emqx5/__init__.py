"""Handlers of the EMQX 5.8 Clients API (`openapi/emqx5.yaml`), one per operationId."""

from simulator.api.emqx5.clients import (
    bulkKick,
    getClient,
    kickClient,
    listClients,
    listClientsV2,
    sessionsCount,
    setKeepalive,
)
from simulator.api.emqx5.dashboard import changePassword, listNodes, login, logout, telemetryStatus
from simulator.api.emqx5.metrics import getMonitor, getMonitorCurrent, getStats, listAllSubscriptions
from simulator.api.emqx5.sessions import (
    bulkSubscribe,
    bulkUnsubscribe,
    cleanAuthzCache,
    getAuthzCache,
    listInflightMessages,
    listMqueueMessages,
    listSubscriptions,
    subscribe,
    unsubscribe,
)

__all__ = [
    "bulkKick",
    "bulkSubscribe",
    "bulkUnsubscribe",
    "changePassword",
    "cleanAuthzCache",
    "getAuthzCache",
    "getClient",
    "getMonitor",
    "getMonitorCurrent",
    "getStats",
    "kickClient",
    "listAllSubscriptions",
    "listClients",
    "listClientsV2",
    "listInflightMessages",
    "listMqueueMessages",
    "listNodes",
    "listSubscriptions",
    "login",
    "logout",
    "sessionsCount",
    "setKeepalive",
    "subscribe",
    "telemetryStatus",
    "unsubscribe",
]
