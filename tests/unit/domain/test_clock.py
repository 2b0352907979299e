"""The clock: real, frozen, set and advanced; and instants in EMQX's format."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from simulator.domain.clock import Clock, format_instant, parse_instant


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


def test_instants_are_written_as_the_standard_library_writes_them() -> None:
    """Every millisecond of a day's edges and random instants from 1970 to 2100, with a numeric UTC offset."""
    rng = random.Random(11)
    day = 86_400_000
    instants = [0, 1, 999, 1000, day - 1, day, 4_102_444_799_999] + [
        rng.randrange(4_102_444_800_000) for _ in range(20_000)
    ]
    for epoch_ms in instants:
        expected = datetime.fromtimestamp(epoch_ms // 1000, UTC).replace(microsecond=epoch_ms % 1000 * 1000)
        assert format_instant(epoch_ms) == expected.isoformat(timespec="milliseconds"), epoch_ms
