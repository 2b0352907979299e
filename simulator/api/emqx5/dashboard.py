"""Handlers of what EMQX 5's dashboard calls beside the Clients API: login, logout, password, nodes, telemetry."""

from __future__ import annotations

from typing import Any

from simulator.api.emqx5.filters import listed
from simulator.deployment import Deployment
from simulator.domain.client import ConnState
from simulator.domain.errors import InvalidRequest
from simulator.reply import NO_CONTENT, Reply
from simulator.tokens import LoginFailed, LoginRefused, Logins, PasswordMismatch, UserNotFound, WrongTokenOrUsername

VERSION = "5.8.9"
EDITION = "ce"
MEMORY_TOTAL = "15.50G"


def login(deployment: Deployment, body: dict[str, Any]) -> Reply:
    try:
        token = _logins(deployment).login(str(body["username"]), str(body["password"]))
    except LoginRefused:
        raise LoginFailed("Auth failed") from None
    return Reply(body={"token": token, "version": VERSION, "role": "administrator", "license": {"edition": EDITION}})


def logout(deployment: Deployment, body: dict[str, Any]) -> Reply:
    logins = _logins(deployment)
    if body.get("username") != deployment.login_user:
        raise WrongTokenOrUsername("Ensure your token & username")
    logins.logout(str(deployment.login_user))
    return NO_CONTENT


def changePassword(deployment: Deployment, username: str, body: dict[str, Any]) -> Reply:
    old, new = body.get("old_pwd"), body.get("new_pwd")
    if not old or not new:
        raise InvalidRequest("Old password or new password undefined")
    logins = _logins(deployment)
    if username != deployment.login_user:
        raise UserNotFound("User not found")
    try:
        logins.change_password(username, str(old), str(new))
    except LoginRefused:
        raise PasswordMismatch("Old password not match") from None
    return NO_CONTENT


def listNodes(deployment: Deployment) -> Reply:
    simulation = deployment.simulation
    status = simulation.status()
    uptime = max(0, status.now_ms - simulation.spec.now_ms) + 3_600_000
    nodes = []
    for node in simulation.nodes:
        sessions = simulation.count(listed(node))
        live = simulation.count(listed(node, (ConnState.CONNECTED,)))
        nodes.append(
            {
                "node": node,
                "node_status": "running",
                "role": "core",
                "version": VERSION,
                "edition": "Opensource",
                "uptime": uptime,
                "connections": sessions,
                "live_connections": live,
                "cluster_sessions": simulation.count(listed()),
                "load1": 0.42,
                "load5": 0.37,
                "load15": 0.31,
                "max_fds": 1048576,
                "memory_total": MEMORY_TOTAL,
                "memory_used": f"{0.5 + sessions / 20000:.2f}G",
                "process_available": 2097152,
                "process_used": 600 + 2 * sessions,
                "otp_release": "26.2.5-3/14.2.5.4",
                "sys_path": "/opt/emqx",
                "log_path": "/opt/emqx/log",
            }
        )
    return Reply(body=nodes)


def telemetryStatus(deployment: Deployment) -> Reply:
    return Reply(body={"enable": False})


def _logins(deployment: Deployment) -> Logins:
    assert deployment.logins is not None, "the emqx5 dialect always has logins"
    return deployment.logins
