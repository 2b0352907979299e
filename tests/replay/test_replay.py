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

CHANGED: dict[str, str] = {
    "auth-list-non-ascii-header-bug": "a non-ASCII byte in Authorization is a 401, not a crash",
    "auth-get-two-headers-bad-first-bug": "of two Authorization headers the first counts, as in the full pipeline",
    "auth-journal-after": "the journal holds the fixed answers above",
    "get-escaped-slash-bug": "%2F is part of the clientid: `a/b` is looked up (and not found)",
    "get-empty-clientid": "a trailing slash is ignored, as by EMQX's HTTP server: /clients/ lists (was a 307)",
    "get-dot-segment": "dot segments are resolved, as EMQX's HTTP server does: /clients/./client_1 is client_1",
    "media-no-content-type-bug": "a body without Content-Type is 415 (was a 500)",
    "media-mixed-case-bug": "media types are case-insensitive (was a 500)",
    "media-json-space-before-semicolon": "media type parameters are read as RFC 9110 writes them, spaces included",
    "media-chunked-subscribe-bug": "chunked bodies are read (was 400 'Request body is required')",
    "media-chunked-bulk-bug": "chunked bodies are read",
    "media-chunked-bad-json-bug": "chunked bodies are read: broken JSON is named as such",
    "media-chunked-regenerate-bug": "chunked bodies are read, by the control API too",
    "media-after-chunked-count": "follows from the chunked regenerate above",
    "media-too-large-chunked-bug": "a chunked body over the limit is 413",
    "media-regenerate-no-content-type-bug": "a body without Content-Type is 415 (was a 500)",
    "media-bulk-subscribe-no-content-type-bug": "a body without Content-Type is 415 (was a 500)",
    "media-unsubscribe-no-content-type-bug": "a body without Content-Type is 415 (was a 500)",
    "media-import-no-content-type-bug": "a body without Content-Type is 415 (was a 400 about the state's shape)",
    "media-after-all-count": "follows from the subscriptions the fixed requests above now make",
    "media-journal": "the journal holds the fixed answers above",
    "small-limit-subscribe-over-chunked-bug": "a chunked body over the limit is 413",
    "cors-preflight-disallowed-method": "a refused preflight has an EMQX body (was text/plain)",
    "cors-restricted-other-preflight": "a refused preflight has an EMQX body (was text/plain)",
    "cors-restricted-other-bad-method-preflight": "a refused preflight has an EMQX body (was text/plain)",
    "routing-clients-trailing-slash": "a trailing slash is ignored, as EMQX's HTTP server does (was a 307 redirect)",
    "routing-journal": "the journal holds the answers above",
    "auth-get-two-headers-good-first": "two Authorization headers are one joined value, as cowboy reads them: a 401",
    "subscribe-bad-nan": "NaN is not JSON (RFC 8259): the body is refused as broken JSON",
}
CONTRACTS = ("/openapi.json", "/openapi.yaml")
"""The served contracts change with the contract: their answers are compared but for the body's length and text,
which the contract's own tests check."""
"""Request ids whose answer changes on purpose, each with the reason; they are still sent, not compared."""

VARY = ("vary", "Origin")
"""Every answer now carries `Vary: Origin` (it depends on CORS); before, only the answers of the full pipeline did,
not those of the direct route it had beside it."""


def _expected(recorded: Answer | None) -> Answer | None:
    """The recorded answer, with the changes every answer underwent."""
    if recorded is None or any(name == "vary" for name, _ in recorded.headers):
        return recorded
    return Answer(recorded.status, (*recorded.headers, VARY), recorded.body)


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
        (request.id, _compared(request, _expected(RECORDED.get(request.id))), _compared(request, answered))
        for request, answered in zip(sequence.requests, run(sequence), strict=True)
        if request.id not in CHANGED
    ]
    differences = [_difference(name, expected, answered) for name, expected, answered in pairs if expected != answered]
    assert not differences, f"{len(differences)} answers differ\n" + "\n\n".join(differences)
