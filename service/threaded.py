"""`serve_in_thread(app)`: an app served by uvicorn on a free local port, in this process.

For callers that want the real HTTP service without a second process: the eval harness
(`eval/inprocess.py`), the tests, and `citedqa ask` / `citedqa documents` when no service
runs (`service/cli/connection.py`). Streaming, middleware and errors behave as deployed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from citedqa.errors import ServiceUnreachable

STARTUP_TIMEOUT_S = 120.0
SHUTDOWN_TIMEOUT_S = 10.0


@contextmanager
def serve_in_thread(app: Any, *, startup_timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a background thread on a free 127.0.0.1 port.

    Yields the base URL once the server has started (ServiceUnreachable when it does not);
    always stops the server on exit.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # bound before starting: no race for the port
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="citedqa-uvicorn", daemon=True
    )
    thread.start()
    try:
        _wait_started(server, thread, startup_timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_S)
        if thread.is_alive():
            server.force_exit = True
            thread.join(SHUTDOWN_TIMEOUT_S)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise ServiceUnreachable("the in-process service failed to start (see the log above)")
        if time.monotonic() >= deadline:
            raise ServiceUnreachable(f"the in-process service did not start within {timeout:.0f}s")
        time.sleep(0.05)
