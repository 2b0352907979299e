"""How schemathesis generates requests for emqx5.yaml (loaded by `emqx-sim contract-test --contract emqx5`).

EMQX 5 reads a query parameter given twice as its last value (minirest's `parse_qs`), so a request that
repeats a single-valued parameter with a bad value first and a good one last is valid to the server though
not to the schema. No such request is generated; `clientid` and `username` of the client lists repeat by
design and still may.

A subscription's options and its topic's shared-subscription form are checked by the server beyond what the
contract's schema says (No Local on a shared subscription, a `$share/` topic without group and filter): such
single subscribe and unsubscribe bodies are not generated either; the tests send them on purpose.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis

TITLE = "EMQX 5.8 Clients API"
CHECKED_BODIES = {"subscribe", "unsubscribe"}
SHARED = re.compile(r"^\$(?:share/[^/+#]+/|queue/)(?!\$share/|\$queue/)")


def _own(ctx: Any) -> str | None:
    """The operationId of an emqx5.yaml operation, or None for another contract's."""
    operation = getattr(ctx, "operation", None)
    if operation is None or operation.schema.raw_schema.get("info", {}).get("title") != TITLE:
        return None
    operation_id: str | None = operation.definition.raw.get("operationId")
    return operation_id


REPEATABLE = {"listClients": {"clientid", "username"}, "listClientsV2": {"clientid", "username"}}


@schemathesis.hook
def filter_query(ctx: Any, query: Any) -> bool:
    operation_id = _own(ctx)
    if operation_id is None or not isinstance(query, dict):
        return True
    repeatable = REPEATABLE.get(operation_id, set())
    return not any(isinstance(value, list) and name not in repeatable for name, value in query.items())


@schemathesis.hook
def filter_body(ctx: Any, body: Any) -> bool:
    if _own(ctx) not in CHECKED_BODIES or not isinstance(body, dict) or not isinstance(body.get("topic"), str):
        return True
    topic: str = body["topic"]
    if not topic.startswith(("$share/", "$queue/")):
        return True
    return SHARED.match(topic) is not None and body.get("nl") != 1
