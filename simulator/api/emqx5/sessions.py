"""Handlers of EMQX 5's session operations: subscriptions, queued and in-flight messages, authorization cache."""

from __future__ import annotations

import asyncio
import base64
import re
from typing import Any

from simulator import views
from simulator.api.emqx5.clients import _listed
from simulator.deployment import Deployment
from simulator.domain.client import authorization_cache
from simulator.domain.errors import (
    ClientNotFound,
    DomainError,
    InvalidParameter,
    InvalidRequest,
    InvalidSubscribeOptions,
)
from simulator.domain.messages import Message, held
from simulator.domain.subscription import SubscribeRequest, Subscription, check_shared_subscribe
from simulator.domain.topic import parse_share
from simulator.reply import NO_CONTENT, Reply

MISSING_CLIENT_DELAY_S = 0.1
HIGHEST = 2**63
"""The priority `infinity`, above every other."""
SIZE = re.compile(r"\s*0*([1-9][0-9]*)(b|B|kb|KB|mb|MB|gb|GB)?")
UNITS = {None: 1, "b": 1, "B": 1, "kb": 1024, "KB": 1024, "mb": 1024**2, "MB": 1024**2, "gb": 1024**3, "GB": 1024**3}


async def listSubscriptions(deployment: Deployment, clientid: str) -> Reply:
    """A client's subscriptions. For a client that does not exist the 404 comes a moment late: the EMQX Dashboard
    asks for a client and its subscriptions at once, and shows an error toast unless the client's own 404 (which
    it handles) reaches it first; on a real cluster the order is a race, here it is the one the dashboard needs."""
    try:
        client, _ = _listed(deployment, clientid)
    except ClientNotFound:
        await asyncio.sleep(MISSING_CLIENT_DELAY_S)
        raise
    node = client.identity.node
    return Reply(
        body=[
            {**views.subscription_view(Subscription(clientid, topic, opts, node)), "durable": False}
            for topic, opts in client.subscriptions.items()
        ]
    )


def subscribe(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    request = SubscribeRequest.of(body)
    check_shared_subscribe(request)
    _listed(deployment, clientid)
    return Reply(
        body=views.subscription_view(deployment.simulation.subscribe(clientid, request, check_shared_subscribe))
    )


def bulkSubscribe(deployment: Deployment, clientid: str, body: list[dict[str, Any]]) -> Reply:
    """Each item on its own, as EMQX does: the ones that fail are answered beside the ones made (still 200)."""
    _listed(deployment, clientid)
    made: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for item in body:
        request = SubscribeRequest.of(item)
        try:
            subscription = deployment.simulation.subscribe(clientid, request, check_shared_subscribe)
        except DomainError as error:
            data = [clientid, request.topic, views.opts_view(request.opts)]
            failed.append({"data": data, "reason": _reason(request.topic, error)})
        else:
            made.append(views.subscription_view(subscription))
    return Reply(body=made if not failed else {"succeed": made, "failed": failed[::-1]})


def unsubscribe(deployment: Deployment, clientid: str, body: dict[str, Any]) -> Reply:
    parse_share(body["topic"])
    _listed(deployment, clientid)
    deployment.simulation.bulk_unsubscribe(clientid, [body["topic"]], check=parse_share)
    return NO_CONTENT


def bulkUnsubscribe(deployment: Deployment, clientid: str, body: list[dict[str, Any]]) -> Reply:
    _listed(deployment, clientid)
    topics = [item["topic"] for item in body if isinstance(item.get("topic"), str)]
    deployment.simulation.bulk_unsubscribe(clientid, topics, check=parse_share)
    return NO_CONTENT


def listMqueueMessages(deployment: Deployment, clientid: str, **query: Any) -> Reply:
    return _messages(deployment, clientid, "mqueue", **query)


def listInflightMessages(deployment: Deployment, clientid: str, **query: Any) -> Reply:
    return _messages(deployment, clientid, "inflight", **query)


def getAuthzCache(deployment: Deployment, clientid: str) -> Reply:
    client, _ = _listed(deployment, clientid)
    return Reply(
        body=[
            {"access": {"action_type": action, "qos": qos}, "topic": topic, "result": "allow", "updated_time": at}
            for action, topic, qos, at in authorization_cache(client)
        ]
    )


def cleanAuthzCache(deployment: Deployment, clientid: str) -> Reply:
    _listed(deployment, clientid)
    deployment.simulation.clear_authorization_cache(clientid)
    return NO_CONTENT


def _messages(
    deployment: Deployment,
    clientid: str,
    kind: str,
    payload: str = "base64",
    max_payload_bytes: str = "1MB",
    position: str = "none",
    limit: int = 100,
) -> Reply:
    """A page of the messages a session holds, after `position`, as EMQX 5 answers it (`list_client_msgs`)."""
    size = SIZE.fullmatch(max_payload_bytes)
    if size is None:
        raise InvalidRequest(f"max_payload_bytes: {max_payload_bytes!r} is not a size")
    budget = int(size.group(1)) * UNITS[size.group(2)]
    after = _position(position, kind)
    client, _ = _listed(deployment, clientid)
    messages = held(deployment.simulation.spec.seed, client, kind)
    following = [message for message in messages if after is None or _key(message, kind) > after]
    page: list[dict[str, Any]] = []
    used = 0
    for message in following[:limit]:
        shown = _message(message, kind, payload)
        used += len(shown.get("payload", ""))
        if page and used > budget:
            break
        page.append(shown)
    start = "none" if not messages else _format(messages[0], kind)
    last = position if not page else page[-1]["_position"]
    for shown in page:
        del shown["_position"]
    return Reply(body={"data": page, "meta": {"start": start, "position": last}})


def _position(text: str, kind: str) -> tuple[int, int] | None:
    if text == "none":
        return None
    try:
        if kind == "inflight":
            return (0, int(text))
        stamp, priority = text.split("_", 1)
        return (-(HIGHEST if priority == "infinity" else int(priority)), int(stamp))
    except ValueError:
        raise InvalidParameter("position_limit_invalid") from None


def _key(message: Message, kind: str) -> tuple[int, int]:
    return (0, message.inserted_at_ns) if kind == "inflight" else (-message.priority, message.inserted_at_ns)


def _format(message: Message, kind: str) -> str:
    return str(message.inserted_at_ns) if kind == "inflight" else f"{message.inserted_at_ns}_{message.priority}"


def _message(message: Message, kind: str, encoding: str) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "msgid": message.msgid,
        "topic": message.topic,
        "qos": message.qos,
        "publish_at": message.publish_at_ms,
        "from_clientid": message.from_clientid,
        "from_username": message.from_username,
    }
    if encoding == "base64":
        shown["payload"] = base64.b64encode(message.payload).decode("ascii")
    elif encoding == "plain":
        try:
            shown["payload"] = message.payload.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameter("Some message payloads are not JSON serializable") from None
    shown["inserted_at"] = str(message.inserted_at_ns)
    if kind == "mqueue":
        shown["mqueue_priority"] = message.priority
    shown["_position"] = _format(message, kind)
    return shown


def _reason(topic: str, error: DomainError) -> str:
    """The reason EMQX gives (Erlang's `~p` of it)."""
    if isinstance(error, InvalidSubscribeOptions):
        return "invalid_subopts_nl"
    return f'{{invalid_topic_filter,<<"{topic}">>}}'
