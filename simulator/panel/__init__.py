"""The control panel: its static files, read from the package once, served under `/api/v5/_sim/panel/`."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.error_codes import METHOD_NOT_ALLOWED, NOT_FOUND

STATIC = Path(__file__).parent / "static"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    # Everything comes from here: the panel works with no network, and nothing else can be loaded into it.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
}


def panel(prefix: str, fallback: ASGIApp) -> ASGIApp:
    """An ASGI app serving the panel's files at `prefix` + `/` (`index.html` there, a redirect from `prefix`
    itself), and handing every other path to `fallback`."""
    files = {f"{prefix}/{path.relative_to(STATIC).as_posix()}": path for path in STATIC.rglob("*") if path.is_file()}
    contents = {
        url: (path.read_bytes(), TYPES.get(path.suffix, "application/octet-stream")) for url, path in files.items()
    }
    contents[f"{prefix}/"] = contents[f"{prefix}/index.html"]

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path != prefix and not path.startswith(prefix + "/"):
            await fallback(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            raise METHOD_NOT_ALLOWED.error("Method not allowed", {"Allow": "GET, HEAD"})
        if path == prefix:
            await RedirectResponse(f"{prefix}/", status_code=308)(scope, receive, send)
            return
        found = contents.get(path)
        if found is None:
            raise NOT_FOUND.error("Not found")
        body, media_type = found
        response = Response(body if scope["method"] == "GET" else b"", media_type=media_type, headers=HEADERS)
        if scope["method"] == "HEAD":
            response.headers["content-length"] = str(len(body))
        await response(scope, receive, send)

    return serve
