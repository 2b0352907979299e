"""Generated names: clientids in the shapes real fleets use, and user names in the shapes Faker makes."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from faker.providers.lorem.en_US import Provider as Lorem
from faker.providers.person.en_US import Provider as Person

FIRST_NAMES = tuple(sorted(Person.first_names))
LAST_NAMES = tuple(sorted(Person.last_names))
WORDS = tuple(Lorem.word_list)


def clientid_from(style: int, first: int, second: int) -> str:
    """A clientid in one of the shapes real fleets use, from two random 63-bit numbers."""
    return CLIENTID_SHAPES[style](first, second)


def username_from(bits: int) -> str:
    """A user name in the shapes Faker's en_US internet provider makes, drawn from its name lists."""
    first = FIRST_NAMES[(bits >> 2) % len(FIRST_NAMES)].lower()
    last = LAST_NAMES[(bits >> 20) % len(LAST_NAMES)].lower()
    shape = bits & 3
    if shape == 0:
        return f"{last}.{first}"
    if shape == 1:
        return f"{first}.{last}"
    if shape == 2:
        return f"{first}{(bits >> 40) % 100:02d}"
    return f"{chr(97 + (bits >> 48) % 26)}{last}"


CLIENTID_SHAPES: tuple[Callable[[int, int], str], ...] = (
    lambda first, _: f"mqttx_{first & 0xFFFFFFFF:08x}",
    lambda first, _: f"device-{first % 1_000_000:06d}",
    lambda first, second: f"sensor-{UUID(int=(first << 65) | (second << 2), version=4)}",
    lambda first, second: f"{WORDS[first % len(WORDS)]}-{second & 0xFFFF:04x}",
    lambda first, _: f"ESP32_{first & 0xFFFFFF:06X}",
    lambda first, _: f"paho{10**12 + first % (9 * 10**12)}",
    lambda first, _: f"nodered_{first & 0xFFFFFFFF:08x}",
    lambda first, second: f"{username_from(first)}_{second % 1000:03d}",
)
