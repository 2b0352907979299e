"""The registry: listing order, removal, session expiry, and the clock."""

from __future__ import annotations

import pytest

from simulator.domain.client import ConnState
from simulator.domain.clock import Clock, format_instant, parse_instant
from simulator.domain.population import PopulationSpec
from simulator.domain.registry import Registry
from tests.support.oracles import descending, generate

NOW = 1_694_770_580_000


def test_descending_byte_order_and_removal() -> None:
    clients = generate(PopulationSpec(seed=2, clients=500, nodes=2, now_ms=NOW))
    registry = Registry(clients)
    ids = [c.clientid for c in descending(registry)]
    assert ids == sorted(ids, key=str.encode, reverse=True)
    removed = registry.get(ids[3])
    assert removed is not None
    registry.remove(ids[3])
    assert ids[3] not in [c.clientid for c in descending(registry)]
    assert registry.get(ids[3]) is None and len(registry) == 499
    registry.remove("no-such-client")
    assert len(registry) == 499
    registry.add(removed)
    assert [c.clientid for c in descending(registry)] == ids


def test_disconnected_sessions_expire_with_time() -> None:
    clients = generate(PopulationSpec(seed=2, clients=2000, nodes=2, now_ms=NOW))
    registry = Registry(clients)
    disconnected = [c for c in clients if c.state is ConnState.DISCONNECTED]
    assert disconnected
    assert registry.expire(NOW) == []
    first = min(disconnected, key=lambda c: c.expires_at_ms or 0)
    gone = registry.expire(first.expires_at_ms or 0)
    assert first.clientid in gone
    assert registry.get(first.clientid) is None
    everything = registry.expire(NOW + 2 * 86_400_000)
    assert len(gone) + len(everything) == len(disconnected)
    assert all(c.state is not ConnState.DISCONNECTED for c in descending(registry))


def test_clock_real_frozen_and_advanced() -> None:
    real = [100.0]
    clock = Clock(lambda: real[0])
    assert clock.now_ms() == 100_000 and not clock.is_frozen
    clock.advance(10)
    assert clock.now_ms() == 110_000
    real[0] = 101.5
    assert clock.now_ms() == 111_500
    clock.freeze()
    real[0] = 200.0
    assert clock.is_frozen and clock.now_ms() == 111_500
    clock.advance(0.5)
    assert clock.now_ms() == 112_000
    clock.set(50_000)
    assert clock.now_ms() == 50_000
    clock.resume()
    assert not clock.is_frozen and clock.now_ms() == 50_000
    real[0] = 201.0
    assert clock.now_ms() == 51_000
    frozen = Clock.frozen(5_000)
    assert frozen.is_frozen and frozen.now_ms() == 5_000
    with pytest.raises(ValueError):
        frozen.advance(-1)


def test_instants_round_trip_in_emqx_format() -> None:
    assert format_instant(parse_instant("2023-09-15T09:36:20.871Z")) == "2023-09-15T09:36:20.871+00:00"
    assert parse_instant("2023-09-15T11:36:20+02:00") == parse_instant("2023-09-15T09:36:20Z")
    assert format_instant(0) == "1970-01-01T00:00:00.000+00:00"
