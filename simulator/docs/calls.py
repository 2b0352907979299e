"""The request a sample makes for an operation, and the earlier request it needs, read from the contract."""

from __future__ import annotations

from typing import Any

from simulator.docs.samples import ORIGIN, SAMPLE_BODIES, SAMPLE_VALUES, Call, Prelude

METHODS = ("get", "put", "post", "delete", "patch")


def _auth(document: dict[str, Any], op: dict[str, Any]) -> str:
    schemes = {name for requirement in op.get("security", document.get("security", [])) for name in requirement}
    if not schemes:
        return "none"
    return "basic" if "basicAuth" in schemes else "bearer"


def _body(op: dict[str, Any]) -> Any:
    if op["operationId"] in SAMPLE_BODIES:
        return SAMPLE_BODIES[op["operationId"]]
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    if "example" in content:
        return content["example"]
    return next((example.get("value") for example in content.get("examples", {}).values()), None)


def _earlier(document: dict[str, Any], route: str, method: str, why: str) -> Call:
    """The sample request of `method route`, which a later sample needs (`why`, should it be missing)."""
    if method not in document["paths"].get(route, {}):
        raise ValueError(f"a request sample needs {method.upper()} {route}: {why}")
    return call_of(document, route, method)[0]


def call_of(document: dict[str, Any], route: str, method: str) -> tuple[Call, Prelude | None]:
    """The sample's request for `method route` of the resolved contract, and the earlier one it needs:
    a login for an operation that takes only a bearer token, the POST that creates an item for a path value
    with no example, the GET of the same path for a body with no example."""
    item = document["paths"][route]
    op = item[method]
    base = ORIGIN + document["servers"][0]["url"]
    url, prelude = route, None
    for parameter in [*item.get("parameters", []), *op.get("parameters", [])]:
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        value = SAMPLE_VALUES.get(name, parameter.get("example"))
        if value is not None:
            url = url.replace("{" + name + "}", str(value))
            continue
        collection = route.rsplit("/", 1)[0]
        prelude = Prelude(_earlier(document, collection, "post", f"{route} has no example of {name}"), name)
    body = _body(op)
    auth = _auth(document, op)
    call = Call(method.upper(), base + url, auth, body)
    if auth == "bearer":
        login = next(
            path for path, item in document["paths"].items() if item.get("post", {}).get("operationId") == "login"
        )
        prelude = Prelude(_earlier(document, login, "post", f"{route} takes only a bearer token"), "token")
    elif body is None and op.get("requestBody", {}).get("required"):
        prelude = Prelude(_earlier(document, route, "get", f"{method.upper()} {route} has no example body"), None)
        call = Call(method.upper(), base + url, auth, piped=True)
    return call, prelude
