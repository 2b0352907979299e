"""How schemathesis generates requests for clients.yaml (loaded by `emqx-sim contract-test` and the tests).

No Local (`nl`) must be 0 on a shared subscription (`$share/<group>/<filter>`, `$queue/<filter>`), as MQTT 5
requires [MQTT-3.8.3-4]. The contract states the rule in `SubscribeRequest`'s description, not as a schema:
client generators turn such a schema (an `anyOf`) into a union of partial types none of which has every field.
A body that breaks it is therefore valid to the schema and answered 400 `INVALID_PARAMETER`, so none is
generated, singly or in a bulk list; the tests send them on purpose.
"""

from __future__ import annotations

from typing import Any

import schemathesis

TITLE = "EMQX Cloud Clients API"
SUBSCRIBING = {"subscribe", "bulkSubscribe"}
SHARED = ("$share/", "$queue/")


def _own(ctx: Any) -> str | None:
    """The operationId of a clients.yaml operation, or None for another contract's."""
    operation = getattr(ctx, "operation", None)
    if operation is None or operation.schema.raw_schema.get("info", {}).get("title") != TITLE:
        return None
    operation_id: str | None = operation.definition.raw.get("operationId")
    return operation_id


def _no_local_on_share(item: Any) -> bool:
    """Whether `item` is a subscription that asks No Local of a shared topic filter."""
    if not isinstance(item, dict) or not isinstance(item.get("topic"), str):
        return False
    nl = item.get("nl")
    return item["topic"].startswith(SHARED) and nl == 1 and not isinstance(nl, bool)


@schemathesis.hook
def filter_body(ctx: Any, body: Any) -> bool:
    if _own(ctx) not in SUBSCRIBING:
        return True
    items = body if isinstance(body, list) else [body]
    return not any(_no_local_on_share(item) for item in items)
