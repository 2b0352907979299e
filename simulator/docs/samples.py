"""Request samples of an operation in curl, JavaScript `fetch` and Python `httpx`, runnable against `make serve`."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ORIGIN = "http://127.0.0.1:18083"
"""Where `make serve` listens; the samples name it in full so that they run as pasted."""
APP_ID, APP_SECRET = "app_id", "app_secret"

SAMPLE_VALUES: Mapping[str, str] = {"clientid": "client_1"}
"""Path values the samples use instead of the contract's examples: the published document's client, which every
default population holds (the EMQX 5 contract's examples name EMQX's own `client1`, which none does)."""

SAMPLE_BODIES: Mapping[str, Any] = {"changePassword": {"old_pwd": "public", "new_pwd": "public"}}
"""Bodies instead of the contract's example: the default dashboard password, kept, so later logins still work."""


@dataclass(frozen=True, slots=True)
class Call:
    """One request of a sample. `url` may hold `{name}` for the value an earlier call answered."""

    method: str
    url: str
    auth: str
    """`basic` (the App ID and Secret), `bearer` (a login's `token`) or `none`."""
    body: Any = None
    piped: bool = False
    """The body is the whole answer of the earlier call."""


@dataclass(frozen=True, slots=True)
class Prelude:
    """An earlier call whose answer a sample needs: its `field`, or (None) the whole body."""

    call: Call
    field: str | None


@dataclass(frozen=True, slots=True)
class Sample:
    language: str
    label: str
    code: str


def samples(call: Call, prelude: Prelude | None) -> list[Sample]:
    """The call (after its prelude) in each language; each prints the status first, then the body."""
    return [
        Sample("bash", "curl", _curl(call, prelude)),
        Sample("javascript", "JavaScript (fetch)", _fetch(call, prelude)),
        Sample("python", "Python (httpx)", _httpx(call, prelude)),
    ]


def _variable(prelude: Prelude | None) -> str:
    """The name of what the prelude answered: its field, or the last word of its path (`state`)."""
    if prelude is None:
        return "previous"
    last = prelude.call.url.rsplit("/", 1)[-1]
    return prelude.field or (last if last.isidentifier() else "previous")


def _curl_command(call: Call, shown: bool, variable: str) -> str:
    """One curl command; `-i` on the one whose answer the sample shows (status line first), `-s` on an earlier one."""
    parts = ["curl", "-i" if shown else "-s"]
    if call.auth == "basic":
        parts.append(f"-u {APP_ID}:{APP_SECRET}")
    elif call.auth == "bearer":
        parts.append(f'-H "Authorization: Bearer ${variable}"')
    parts.append(f"-X {call.method}")
    if call.piped:
        parts += ["-H 'Content-Type: application/json'", "--data-binary @-"]
    elif call.body is not None:
        parts += ["-H 'Content-Type: application/json'", f"-d {shlex.quote(_json(call.body))}"]
    url = call.url.replace("{" + variable + "}", "$" + variable)
    parts.append(f'"{url}"' if "$" in url else url)
    return " ".join(parts)


def _curl(call: Call, prelude: Prelude | None) -> str:
    variable = _variable(prelude)
    command = _curl_command(call, True, variable)
    if prelude is None:
        return command
    first = _curl_command(prelude.call, False, variable)
    if prelude.field is None:
        return f"{first} \\\n  | {command}"
    pick = shlex.quote(f'import json, sys; print(json.load(sys.stdin)["{prelude.field}"])')
    return f"{variable}=$({first} | python3 -c {pick})\n{command}"


def _fetch_call(call: Call, variable: str) -> str:
    headers = []
    if call.auth == "basic":
        headers.append(f'Authorization: "Basic " + btoa("{APP_ID}:{APP_SECRET}")')
    elif call.auth == "bearer":
        headers.append(f"Authorization: `Bearer ${{{variable}}}`")
    options = [f'method: "{call.method}"']
    if call.piped or call.body is not None:
        headers.append('"Content-Type": "application/json"')
        options.append(f"body: {variable}" if call.piped else f"body: JSON.stringify({_json(call.body)})")
    if headers:
        options.insert(1, "headers: {" + ", ".join(headers) + "}")
    url = call.url.replace("{" + variable + "}", "${" + variable + "}")
    quoted = f"`{url}`" if "${" in url else json.dumps(url)
    return f"await fetch({quoted}, {{\n  " + ",\n  ".join(options) + ",\n})"


def _fetch(call: Call, prelude: Prelude | None) -> str:
    variable = _variable(prelude)
    lines = []
    if prelude is not None:
        first = _fetch_call(prelude.call, variable)
        if prelude.field is None:
            lines.append(f"const {variable} = await ({first}).text();")
        else:
            lines.append(f"const {{{variable}}} = await ({first}).json();")
    lines.append(f"const response = {_fetch_call(call, variable)};")
    lines.append("console.log(response.status, await response.text());")
    return "\n".join(lines)


def _httpx_call(call: Call, variable: str) -> str:
    arguments = [("f" if "{" + variable + "}" in call.url else "") + json.dumps(call.url)]
    if call.auth == "basic":
        arguments.append(f'auth=("{APP_ID}", "{APP_SECRET}")')
    headers = []
    if call.auth == "bearer":
        headers.append(f'"Authorization": f"Bearer {{{variable}}}"')
    if call.piped:
        headers.append('"Content-Type": "application/json"')
        arguments.append(f"content={variable}")
    elif call.body is not None:
        arguments.append(f"json={_python(call.body)}")
    if headers:
        arguments.append("headers={" + ", ".join(headers) + "}")
    method = call.method.lower()
    if method == "delete" and call.body is not None:
        method, arguments = "request", ['"DELETE"', *arguments]
    one_line = f"httpx.{method}({', '.join(arguments)})"
    if len(one_line) <= 100:
        return one_line
    return f"httpx.{method}(\n    " + ",\n    ".join(arguments) + ",\n)"


def _httpx(call: Call, prelude: Prelude | None) -> str:
    variable = _variable(prelude)
    lines = ["import httpx", ""]
    if prelude is not None:
        first = _httpx_call(prelude.call, variable)
        picked = ".content" if prelude.field is None else f'.json()["{variable}"]'
        lines.append(f"{variable} = {first}{picked}")
    lines.append(f"response = {_httpx_call(call, variable)}")
    lines.append("print(response.status_code, response.text)")
    return "\n".join(lines)


def _python(value: Any) -> str:
    """A JSON value as a Python literal, its strings in double quotes as JSON writes them."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_python(key)}: {_python(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_python(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
