"""Fault injection: latency and forced errors by operationId, from rules or a request's `Prefer` header."""

from __future__ import annotations

import itertools
import random
import re
import threading
from dataclasses import dataclass, replace

from simulator.domain.errors import InvalidRequest
from simulator.error_codes import Code, HttpError, for_status

MAX_DELAY_MS = 60_000


@dataclass(frozen=True, slots=True)
class Rule:
    """Delay and/or fail requests to one operation (or every one, `*`), a number of times or forever."""

    id: str
    operation: str = "*"
    delay_ms: int = 0
    delay_max_ms: int | None = None
    status: int | None = None
    code: str | None = None
    message: str | None = None
    error_rate: float = 1.0
    times: int | None = None
    hits: int = 0

    def error(self) -> HttpError | None:
        if self.status is None:
            return None
        code = Code(self.status, self.code or for_status(self.status).code)
        return code.error(self.message or f"{code.code} (injected by the simulator)")


@dataclass(frozen=True, slots=True)
class Decision:
    delay_ms: float = 0.0
    error: HttpError | None = None


class Faults:
    """The fault rules in force, applied in the order they were added; decisions use a seeded random source."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(f"{seed}:faults")
        self._lock = threading.Lock()

    def add(self, rule: Rule) -> Rule:
        if rule.delay_max_ms is not None and rule.delay_max_ms < rule.delay_ms:
            raise InvalidRequest("delay_max_ms is below delay_ms")
        if not 0 <= rule.error_rate <= 1:
            raise InvalidRequest("error_rate is not between 0 and 1")
        if rule.status is None and rule.delay_ms == 0 and not rule.delay_max_ms:
            raise InvalidRequest("a rule needs a delay or a status")
        with self._lock:
            stored = replace(rule, id=f"fault-{next(self._ids)}", hits=0)
            self._rules.append(stored)
            return stored

    @property
    def idle(self) -> bool:
        """Whether no rule is in force."""
        return not self._rules

    def rules(self) -> list[Rule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def decide(self, operation_id: str | None) -> Decision:
        """What to do to one request: the delays of every matching rule, and the first error that fires."""
        delay = 0.0
        error: HttpError | None = None
        with self._lock:
            kept: list[Rule] = []
            for rule in self._rules:
                if rule.operation not in ("*", operation_id):
                    kept.append(rule)
                    continue
                high = rule.delay_ms if rule.delay_max_ms is None else rule.delay_max_ms
                delay += rule.delay_ms if high == rule.delay_ms else self._rng.uniform(rule.delay_ms, high)
                if error is None and rule.status is not None and self._rng.random() < rule.error_rate:
                    error = rule.error()
                used = replace(rule, hits=rule.hits + 1)
                if used.times is None or used.hits < used.times:
                    kept.append(used)
            self._rules = kept
        return Decision(delay, error)


_PREFER = re.compile(r"\s*([a-zA-Z]+)\s*=\s*([^,;\s]+)\s*")


def from_prefer(header: str | None) -> Decision:
    """`Prefer: code=503, delay=200` (as Prism reads it): a forced error status and a delay in ms. A preference
    that cannot be honoured (a code that is no 4xx or 5xx status, a delay over a minute) is ignored (RFC 7240)."""
    if not header:
        return Decision()
    delay = 0.0
    error: HttpError | None = None
    for part in re.split(r"[,;]", header):
        match = _PREFER.fullmatch(part)
        if match is None:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "delay" and value.isdigit() and len(value) <= 5 and int(value) <= MAX_DELAY_MS:
            delay = float(value)
        elif key == "code" and value.isdigit() and len(value) == 3 and 400 <= int(value) <= 599:
            code = for_status(int(value))
            error = Code(int(value), code.code).error(f"{code.code} (requested by the Prefer header)")
    return Decision(delay, error)
