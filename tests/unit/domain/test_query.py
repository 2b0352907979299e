"""List filters and paging, against a brute-force reading of the same rules."""

from __future__ import annotations

import random

import pytest

from simulator.domain.client import Client, ConnState
from simulator.domain.errors import InvalidFilterValue
from simulator.domain.population import PopulationSpec
from simulator.domain.query import ClientQuery, canonical_ip, epoch_ms
from tests.support.oracles import generate, select

NOW = 1_694_770_580_000


@pytest.fixture(scope="module")
def ordered() -> list[Client]:
    clients = generate(PopulationSpec(seed=3, clients=2000, nodes=3, now_ms=NOW))
    return sorted(clients, key=lambda c: c.clientid.encode(), reverse=True)


def test_epoch_values_in_seconds_or_milliseconds() -> None:
    assert epoch_ms(1_694_770_580) == 1_694_770_580_000
    assert epoch_ms(1_694_770_580_871) == 1_694_770_580_871
    assert epoch_ms(0) == 0
    assert epoch_ms(99_999_999_999) == 99_999_999_999_000
    assert epoch_ms(100_000_000_000) == 100_000_000_000


def test_ip_addresses_are_canonical_and_checked() -> None:
    assert canonical_ip("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"
    assert canonical_ip("115.236.21.86") == "115.236.21.86"
    for bad in ("127.0.0.1:8080", "1.2.3", "localhost", ""):
        with pytest.raises(InvalidFilterValue, match="expected type is ip"):
            canonical_ip(bad)


def test_no_filter_pages_cover_everything_once(ordered: list[Client]) -> None:
    seen = []
    page = 1
    while True:
        result = select(ordered, ClientQuery(), page, 300)
        assert result.count == 2000
        seen += [c.clientid for c in result.clients]
        if not result.hasnext:
            break
        page += 1
    assert seen == [c.clientid for c in ordered]
    assert page == 7


def test_exact_last_page_has_no_next(ordered: list[Client]) -> None:
    assert select(ordered, ClientQuery(), 4, 500).hasnext is False
    assert select(ordered, ClientQuery(), 3, 500).hasnext is True
    past = select(ordered, ClientQuery(), 5, 500)
    assert (past.clients, past.hasnext, past.count) == ([], False, 2000)


def _brute(ordered: list[Client], **wanted: object) -> list[str]:
    def keep(c: Client) -> bool:
        i = c.identity
        checks = {
            "username": lambda v: i.username == v,
            "zone": lambda v: i.zone == v,
            "conn_state": lambda v: c.state == v,
            "clean_start": lambda v: i.clean_start == v,
            "proto_name": lambda v: i.proto_name == v,
            "proto_ver": lambda v: i.proto_ver == v,
            "like_clientid": lambda v: str(v) in c.clientid,
            "like_username": lambda v: str(v) in (i.username or ""),
            "gte_created_at": lambda v: c.created_at_ms >= v,  # type: ignore[operator]
            "lte_connected_at": lambda v: c.connected_at_ms <= v,  # type: ignore[operator]
            "ip_address": lambda v: i.ip_address == v,
        }
        overridden = {"like_clientid"} if "clientid" in wanted else set()
        overridden |= {"like_username"} if "username" in wanted else set()
        return all(checks[name](value) for name, value in wanted.items() if name not in overridden)

    return [c.clientid for c in ordered if keep(c)]


def test_random_filter_combinations_match_brute_force(ordered: list[Client]) -> None:
    rng = random.Random(99)
    sample = ordered[500]
    choices = {
        "conn_state": list(ConnState),
        "clean_start": [True, False],
        "proto_name": ["MQTT", "MQTT-SN", "CoAP"],
        "proto_ver": [1, 3, 4, 5],
        "zone": ["default", "external", "internal"],
        "like_clientid": ["mqttx", "a", "device-0", "zz"],
        "like_username": ["a", "son", ""],
        "gte_created_at": [NOW - 86_400_000, NOW - 3_600_000],
        "lte_connected_at": [NOW - 86_400_000, NOW],
        "username": [sample.identity.username],
        "ip_address": [sample.identity.ip_address],
    }
    for _ in range(200):
        names = rng.sample(sorted(choices), rng.randint(1, 3))
        wanted = {name: rng.choice(choices[name]) for name in names}
        expected = _brute(ordered, **wanted)
        query = ClientQuery(**wanted)  # type: ignore[arg-type]
        limit = rng.choice([1, 7, 50, 10000])
        page = rng.randint(1, 3)
        result = select(ordered, query, page, limit)
        assert [c.clientid for c in result.clients] == expected[(page - 1) * limit : page * limit], wanted
        assert result.hasnext == (len(expected) > page * limit)
        fuzzy = ("like_clientid" in wanted and "clientid" not in wanted) or (
            "like_username" in wanted and "username" not in wanted
        )
        assert result.count == (None if fuzzy else len(expected))


def test_exact_filter_overrides_the_substring_one(ordered: list[Client]) -> None:
    target = ordered[10]
    query = ClientQuery(clientid=target.clientid, like_clientid="no-such-substring")
    result = select(ordered, query, 1, 100)
    assert [c.clientid for c in result.clients] == [target.clientid]
    assert result.count == 1


def test_filters_are_case_sensitive(ordered: list[Client]) -> None:
    target = next(c for c in ordered if c.clientid.startswith("mqttx_"))
    assert select(ordered, ClientQuery(clientid=target.clientid.upper()), 1, 10).count == 0
    assert select(ordered, ClientQuery(like_clientid="MQTTX"), 1, 10).clients == []


def test_time_bounds_are_inclusive(ordered: list[Client]) -> None:
    target = ordered[42]
    at = target.created_at_ms
    hits = select(ordered, ClientQuery(gte_created_at=at, lte_created_at=at), 1, 100).clients
    assert target in hits
    assert all(c.created_at_ms == at for c in hits)
