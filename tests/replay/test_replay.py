"""Every corpus request answers as recorded (status, headers and body), but for the changes listed in CHANGED."""

from __future__ import annotations

import contextlib
import difflib
import json
from collections import Counter

import pytest

from tests.replay.corpus import SEQUENCES, Request, Sequence
from tests.replay.driver import Answer, run
from tests.replay.record import load

CHANGED: dict[str, str] = {}
"""Request ids whose answer changes on purpose, each with the reason; they are still sent, not compared. Once the
change is recorded (`python -m tests.replay.record`), its entry goes."""
CONTRACTS = ("/openapi.json", "/openapi.yaml")
"""The served contracts change with the contract: their answers are compared but for the body's length and text,
which the contract's own tests check."""


def _compared(request: Request, answer: Answer | None) -> Answer | None:
    """What of an answer is compared: a served contract's body and length are left out."""
    if answer is None or not request.target.endswith(CONTRACTS):
        return answer
    return Answer(answer.status, tuple(h for h in answer.headers if h[0] != "content-length"), b"(the contract)")


RECORDED = load()
IDS = [request.id for sequence in SEQUENCES for request in sequence.requests]


def _lines(answer: Answer | None) -> list[str]:
    """Status, headers and body, a JSON body pretty-printed so that a diff shows the fields that differ."""
    if answer is None:
        return ["(not recorded)"]
    text = answer.body.decode("utf-8", "backslashreplace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    return [f"status {answer.status}", *(f"{name}: {value}" for name, value in answer.headers), "", *text.splitlines()]


def _difference(request_id: str, recorded: Answer | None, answered: Answer) -> str:
    diff = difflib.unified_diff(_lines(recorded), _lines(answered), "recorded", "answered", lineterm="", n=2)
    return f"{request_id}:\n" + "\n".join(line[:300] for line in diff)


def test_ids_are_unique_and_all_recorded() -> None:
    assert [name for name, count in Counter(IDS).items() if count > 1] == []
    assert sorted(RECORDED) == sorted(IDS), "re-record with `python -m tests.replay.record`"


def test_every_changed_id_is_in_the_corpus() -> None:
    assert set(CHANGED) - set(IDS) == set()


@pytest.mark.parametrize("sequence", SEQUENCES, ids=[sequence.name for sequence in SEQUENCES])
def test_answers_as_recorded(sequence: Sequence) -> None:
    pairs = [
        (request.id, _compared(request, RECORDED.get(request.id)), _compared(request, answered))
        for request, answered in zip(sequence.requests, run(sequence), strict=True)
        if request.id not in CHANGED
    ]
    differences = [_difference(name, expected, answered) for name, expected, answered in pairs if expected != answered]
    assert not differences, f"{len(differences)} answers differ\n" + "\n\n".join(differences)
