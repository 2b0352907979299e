"""Real servers for tests: an ASGI app on a free 127.0.0.1 port, in a thread, stopped on exit."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving(app: Callable[..., Any]) -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its API base URL (`http://127.0.0.1:PORT/api/v5`)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        yield f"http://127.0.0.1:{port}/api/v5"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
