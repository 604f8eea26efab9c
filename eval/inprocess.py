"""In-process mode: ingest a corpus into a throwaway store and serve it on a local port."""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from citedqa.errors import ServiceUnreachable
from eval.errors import ServiceUnavailable, UsageError

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 120.0


@contextmanager
def serve_app(app: Any, *, startup_timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """The app served on a free 127.0.0.1 port (`service.threaded`); yields its base URL.

    A start-up failure is a usage error here (ServiceUnavailable, exit 2).
    """
    from service.threaded import serve_in_thread

    with ExitStack() as stack:
        try:
            url = stack.enter_context(serve_in_thread(app, startup_timeout=startup_timeout))
        except ServiceUnreachable as exc:
            raise ServiceUnavailable(exc.message) from None
        yield url


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
    ``CITEDQA_CHROMA_HOST`` say: the user's own collection is never touched. API keys and the
    rate limit are off. Other
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
                # A private service on 127.0.0.1: the deployment's keys and rate limit (say
                # in .env) would only turn the questions into 401s and 429s.
                "api_key": None,
                "admin_api_key": None,
                "keys_file": None,
                "rate_limit_per_minute": 0,
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
