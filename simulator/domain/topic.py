"""MQTT topic-filter rules, and the parsed form of a filter (shared group and plain filter)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.errors import InvalidTopicFilter

MAX_FILTER_BYTES = 65535
SHARE_PREFIX = "$share/"
QUEUE_PREFIX = "$queue/"


@dataclass(frozen=True, slots=True)
class TopicFilter:
    """A valid topic filter as sent, with its shared-subscription group split off."""

    text: str
    filter: str
    group: str | None

    @property
    def shared(self) -> bool:
        return self.group is not None


def parse_share(topic: str) -> TopicFilter:
    """Only the shared-subscription part of the rules, as EMQX 5 checks a subscription made through its API
    (`emqx_topic:parse`): a group and a filter after `$share/`, no `+`/`#` in the group, no nesting."""
    group: str | None = None
    rest = topic
    if topic.startswith(SHARE_PREFIX):
        group, sep, rest = topic[len(SHARE_PREFIX) :].partition("/")
        if not sep:
            raise InvalidTopicFilter(topic, "a shared subscription is written '$share/<group>/<filter>'")
        if "+" in group or "#" in group:
            raise InvalidTopicFilter(topic, "a share group must not contain '+' or '#'")
    elif topic.startswith(QUEUE_PREFIX):
        group, rest = "$queue", topic[len(QUEUE_PREFIX) :]
    if group is not None and rest.startswith((SHARE_PREFIX, QUEUE_PREFIX)):
        raise InvalidTopicFilter(topic, "shared subscriptions do not nest")
    return TopicFilter(text=topic, filter=rest, group=group)


def parse_filter(topic: str) -> TopicFilter:
    """Check `topic` against the MQTT rules; raise `InvalidTopicFilter` naming the first rule broken."""
    if topic == "":
        raise InvalidTopicFilter(topic, "a topic filter must not be empty")
    if "\x00" in topic:
        raise InvalidTopicFilter(topic, "a topic filter must not contain the NUL character")
    try:
        size = len(topic.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidTopicFilter(topic, "a topic filter must be valid UTF-8") from None
    if size > MAX_FILTER_BYTES:
        raise InvalidTopicFilter(topic, f"a topic filter must be at most {MAX_FILTER_BYTES} bytes of UTF-8")
    group: str | None = None
    rest = topic
    if topic.startswith(SHARE_PREFIX):
        group, sep, rest = topic[len(SHARE_PREFIX) :].partition("/")
        if not sep or group == "":
            raise InvalidTopicFilter(topic, "a shared subscription is written '$share/<group>/<filter>'")
        if "+" in group or "#" in group:
            raise InvalidTopicFilter(topic, "a share group must not contain '+' or '#'")
    elif topic.startswith(QUEUE_PREFIX):
        group, rest = "$queue", topic[len(QUEUE_PREFIX) :]
    if group is not None:
        if rest == "":
            raise InvalidTopicFilter(topic, "a shared subscription needs a topic filter after its group")
        if rest.startswith((SHARE_PREFIX, QUEUE_PREFIX)):
            raise InvalidTopicFilter(topic, "shared subscriptions do not nest")
    _check_levels(topic, rest)
    return TopicFilter(text=topic, filter=rest, group=group)


def _check_levels(topic: str, plain: str) -> None:
    levels = plain.split("/")
    last = len(levels) - 1
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != last):
            raise InvalidTopicFilter(topic, "'#' must be the last level of the filter, alone in it")
        if "+" in level and level != "+":
            raise InvalidTopicFilter(topic, "'+' must stand alone in its level")
