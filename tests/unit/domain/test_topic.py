"""MQTT topic-filter rules, and their agreement with the pattern the contract publishes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import spec
from simulator.domain.errors import InvalidTopicFilter
from simulator.domain.topic import parse_filter

VALID = [
    "t/a",
    "#",
    "+",
    "/",
    "a//b",
    "sport/+/player1",
    "sport/tennis/#",
    "+/+",
    "$SYS/brokers/+/clients/#",
    "$share/group/t/#",
    "$queue/tasks",
    "$share",
    "$exclusive/t/1",
    "温度/センサー",
]
INVALID = {
    "": "must not be empty",
    "a/#/b": "'#' must be the last level",
    "a#": "'#' must be the last level",
    "a/b#": "'#' must be the last level",
    "a+/b": "'+' must stand alone",
    "a/+b": "'+' must stand alone",
    "a\x00b": "NUL",
    "$share/g": "'$share/<group>/<filter>'",
    "$share//t": "'$share/<group>/<filter>'",
    "$share/g/": "needs a topic filter",
    "$share/g+/t": "must not contain '+' or '#'",
    "$share/g#/t": "must not contain '+' or '#'",
    "$share/g/$share/h/t": "do not nest",
    "$queue/": "needs a topic filter",
    "$queue/$queue/t": "do not nest",
    "$share/g/a/#/b": "'#' must be the last level",
    "x" * 65536: "at most 65535 bytes",
    "é" * 32768: "at most 65535 bytes",
}


@pytest.mark.parametrize("topic", VALID)
def test_valid_filters_parse(topic: str) -> None:
    assert parse_filter(topic).text == topic


@pytest.mark.parametrize(("topic", "rule"), INVALID.items(), ids=[repr(key[:20]) for key in INVALID])
def test_invalid_filters_name_the_rule(topic: str, rule: str) -> None:
    with pytest.raises(InvalidTopicFilter) as caught:
        parse_filter(topic)
    assert rule in caught.value.message
    assert caught.value.message.startswith("invalid topic filter")


def test_shared_filters_split_group_and_filter() -> None:
    parsed = parse_filter("$share/g1/sensors/+/temp")
    assert (parsed.group, parsed.filter, parsed.shared) == ("g1", "sensors/+/temp", True)
    assert parse_filter("$queue/jobs").group == "$queue"
    assert not parse_filter("sensors/#").shared


PATTERN = re.compile(spec.load()["components"]["schemas"]["TopicFilter"]["pattern"])
PIECES = st.sampled_from(["a", "b", "/", "+", "#", "$share/", "$queue/", "$", "g", "\x00", "é", "//"])


def _valid(topic: str) -> bool:
    try:
        parse_filter(topic)
    except InvalidTopicFilter:
        return False
    return True


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_contract_pattern_agrees_with_the_rules(topic: str) -> None:
    assert bool(PATTERN.search(topic)) == _valid(topic), topic


@pytest.mark.parametrize("topic", [*VALID, *(key for key in INVALID if len(key) < 1000)])
def test_contract_pattern_agrees_on_the_listed_cases(topic: str) -> None:
    assert bool(PATTERN.search(topic)) == _valid(topic)
