"""List filters as EMQX 5 reads them from a query string: instants, IP addresses, protocol versions, fields."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from typing import Any

from simulator.domain.client import ConnState
from simulator.domain.errors import InvalidFilterValue, InvalidRequest
from simulator.domain.query import ClientQuery

MAX_EPOCH_MS = 253_402_214_400_000
"""The last instant EMQX reads as epoch milliseconds (year 9999)."""
LISTED = (ConnState.CONNECTED, ConnState.DISCONNECTED)
"""EMQX 5 lists a client once it has connected (never an idle one), and MQTT clients only (gateways' clients
are listed by the gateway API)."""
INTEGER = re.compile(r"[+-]?[0-9]+")
RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def query_of(arguments: Mapping[str, Any]) -> ClientQuery:
    """The client query of `GET /clients` or `/clients_v2` arguments; an IP address or protocol version that
    does not parse is a 400 `INVALID_PARAMETER` (the IP address is named first, as EMQX reads them in order)."""
    ip, version, state = arguments.get("ip_address"), arguments.get("proto_ver"), arguments.get("conn_state")
    return ClientQuery(
        clientid=_values(arguments.get("clientid")),
        username=_values(arguments.get("username")),
        ip_address=None if ip is None else ip_of(ip),
        proto_ver=None if version is None else _integer("proto_ver", version),
        conn_state=LISTED if state is None else tuple(s for s in LISTED if s == state),
        clean_start=arguments.get("clean_start"),
        proto_name="MQTT",
        node=arguments.get("node"),
        like_clientid=arguments.get("like_clientid"),
        like_username=arguments.get("like_username"),
        gte_created_at=_instant("gte_created_at", arguments),
        lte_created_at=_instant("lte_created_at", arguments),
        gte_connected_at=_instant("gte_connected_at", arguments),
        lte_connected_at=_instant("lte_connected_at", arguments),
    )


def listed(node: str | None = None, states: tuple[ConnState, ...] = LISTED) -> ClientQuery:
    """The clients EMQX 5 lists (on `node`, in `states`)."""
    return ClientQuery(conn_state=states, proto_name="MQTT", node=node)


def ip_of(text: str) -> str:
    """An address as Erlang's `inet:parse_address` reads it (IPv4 in every `inet_aton` form: `127.1`), in the
    canonical text the clients carry."""
    try:
        if ":" in text:
            return str(ipaddress.IPv6Address(text.split("%", 1)[0]))
        if text.strip() != text or not text or " " in text:
            raise OSError
        return socket.inet_ntoa(socket.inet_aton(text))
    except (OSError, ValueError):
        raise InvalidFilterValue("ip_address", "ip", text) from None


def fields_of(text: str | None) -> tuple[str, ...] | None:
    """The fields a list answers with (`fields=a,b`), or None for all of them."""
    if text is None or text == "all":
        return None
    return tuple(name for name in text.split(",") if name)


def _days_since_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a date of the proleptic Gregorian calendar, year 0 included, as Erlang's
    `calendar` counts them: a day past the month's end runs on into the next month."""
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468


def _values(given: list[str] | str | None) -> tuple[str, ...] | None:
    if given is None:
        return None
    return (given,) if isinstance(given, str) else tuple(given)


def _integer(name: str, text: str) -> int:
    if not INTEGER.fullmatch(text):
        raise InvalidFilterValue(name, "integer", text)
    return int(text)


def _instant(name: str, arguments: Mapping[str, Any]) -> int | None:
    """Epoch milliseconds (digits) or RFC 3339 with an offset, as `emqx_utils_calendar` reads them."""
    text = arguments.get(name)
    if text is None:
        return None
    if text.isdigit():
        value = int(text)
        if value > MAX_EPOCH_MS:
            raise InvalidRequest(f"{name}: {text} is after the last instant, {MAX_EPOCH_MS}")
        return value
    found = RFC3339.fullmatch(text)
    if found is None:
        raise InvalidRequest(f"{name}: {text!r} is neither epoch milliseconds nor an RFC 3339 instant")
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    days = _days_since_epoch(int(year), int(month), int(day))
    seconds = days * 86_400 + int(hour) * 3600 + int(minute) * 60 + int(second)
    if zone not in ("Z", "z"):
        offset = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        seconds -= offset if zone[0] == "+" else -offset
    return seconds * 1000 + int((fraction or "0")[:3].ljust(3, "0"))
