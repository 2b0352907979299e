"""`python -m tests.replay.record`: answers every corpus request and writes them to `recorded.json`."""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from tests.replay.corpus import SEQUENCES
from tests.replay.driver import Answer, run

RECORDED = Path(__file__).with_name("recorded.json")


def to_record(request_id: str, answer: Answer) -> dict[str, Any]:
    """One answer as JSON: the body as text when it is UTF-8, else as base64 (flagged)."""
    try:
        body, encoded = answer.body.decode("utf-8"), False
    except UnicodeDecodeError:
        body, encoded = base64.b64encode(answer.body).decode("ascii"), True
    headers = [[name, value] for name, value in answer.headers]
    return {"id": request_id, "status": answer.status, "headers": headers, "body": body, "base64": encoded}


def from_record(record: dict[str, Any]) -> Answer:
    body: str = record["body"]
    raw = binascii.a2b_base64(body) if record["base64"] else body.encode("utf-8")
    return Answer(record["status"], tuple((name, value) for name, value in record["headers"]), raw)


def load() -> dict[str, Answer]:
    """The recorded answers by request id."""
    return {record["id"]: from_record(record) for record in json.loads(RECORDED.read_text(encoding="utf-8"))}


def main() -> None:
    records = [
        to_record(request.id, answer)
        for sequence in SEQUENCES
        for request, answer in zip(sequence.requests, run(sequence), strict=True)
    ]
    RECORDED.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(records)} answers of {len(SEQUENCES)} sequences written to {RECORDED}")


if __name__ == "__main__":
    main()
