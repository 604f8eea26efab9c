"""In-process mode: ingest a corpus into a throwaway store and serve it on a local port."""

from __future__ import annotations

import logging
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from eval.errors import ServiceUnavailable, UsageError

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 120.0
SHUTDOWN_TIMEOUT_S = 10.0


@contextmanager
def serve_app(app: Any, *, startup_timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a background thread on a free 127.0.0.1 port.

    Yields the base URL once the server has started; always stops the server on exit.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # bound before starting: no race for the port
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="eval-uvicorn", daemon=True
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
            raise ServiceUnavailable("in-process service failed to start (see its log above)")
        if time.monotonic() >= deadline:
            raise ServiceUnavailable(f"in-process service did not start within {timeout:.0f}s")
        time.sleep(0.05)


@contextmanager
def serve_corpus(
    corpus: Path,
    *,
    settings: Mapping[str, object] | None = None,
    startup_timeout: float = STARTUP_TIMEOUT_S,
    show_progress: bool = False,
) -> Iterator[str]:
    """Ingest ``corpus`` into a fresh temporary store, serve it, yield the base URL.

    The store is always an embedded Chroma with a new collection in a temporary directory,
    removed afterwards, whatever ``CITEDQA_DATA_DIR``, ``CITEDQA_COLLECTION`` or
    ``CITEDQA_CHROMA_HOST`` say: the user's own collection is never touched. Other
    ``CITEDQA_*`` settings (answerer, top_k, score floors) apply as they would in production,
    under the suite's own ``settings`` (its corpus's ``settings.toml``).
    """
    try:
        from citedqa.errors import CitedQAError
        from citedqa.settings import load_settings
        from ingest.job import ingest_path
        from service.app import create_app
    except ImportError as exc:
        raise ServiceUnavailable(
            f"in-process mode needs the citedqa service ({exc}); use --url for a running one"
        ) from None
    with tempfile.TemporaryDirectory(prefix="citedqa-eval-", ignore_cleanup_errors=True) as tmp:
        try:
            isolated = {
                "data_dir": Path(tmp),
                "collection": f"eval-{uuid.uuid4().hex[:12]}",
                "chroma_host": None,
            }
            served = load_settings(**{**(settings or {}), **isolated})
            log.info("ingesting %s into %s", corpus, tmp)
            ingested = ingest_path(served, corpus, show_progress=show_progress)
        except CitedQAError as exc:
            raise UsageError(f"cannot ingest {corpus}: {exc.message}") from None
        log.info("ingested: %s", ingested.line())  # skipped files were reported by ingest
        if ingested.documents.total() == ingested.documents["failed"]:
            raise UsageError(f"no document under {corpus} could be ingested")
        with serve_app(create_app(served), startup_timeout=startup_timeout) as base_url:
            yield base_url
