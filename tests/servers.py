"""Real servers for tests: an ASGI app on a free 127.0.0.1 port, in a thread, stopped on exit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from simulator.testing import serve


@contextmanager
def serving(app: Callable[..., Any]) -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its API base URL (`http://127.0.0.1:PORT/api/v5`)."""
    origin, stop = serve(app, log_level="error")
    try:
        yield f"{origin}/api/v5"
    finally:
        stop()
