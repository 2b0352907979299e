"""Argument types of the `emqx-sim` command: each reads one flag's text, or refuses it with a usage error."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from simulator.domain.clock import parse_instant
from simulator.domain.propagation import parse_delay


def int_between(low: int, high: int | None, what: str) -> Callable[[str], int]:
    """An argparse type: an integer from `low` to `high` (no upper bound when None)."""

    def parse(text: str) -> int:
        value = int(text)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    return parse


positive = int_between(0, None, "zero or more")
port = int_between(0, 65535, "a TCP port")
nodes = int_between(1, 250, "between 1 and 250")


def delay(text: str) -> tuple[int, int]:
    """`MIN` or `MIN-MAX` milliseconds."""
    try:
        return parse_delay(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def clock(text: str) -> int | None:
    if text.strip().lower() == "real":
        return None
    try:
        return parse_instant(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither 'real' nor an RFC 3339 instant") from None


def flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not a boolean")


def seconds(text: str) -> float:
    """A positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value
