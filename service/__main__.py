"""`python -m service`: serve the API on CITEDQA_HOST:CITEDQA_PORT (CITEDQA_WORKERS processes)."""

from __future__ import annotations

import sys

import uvicorn

from citedqa.components import make_embedder, open_store
from citedqa.errors import CitedQAError
from citedqa.memory import limit_malloc_arenas
from citedqa.settings import load_settings
from service.app import create_app
from service.telemetry.logs import configure_logging
from service.telemetry.watchdog import serve_watched


def main() -> int:
    limit_malloc_arenas()
    try:
        settings = load_settings()
        open_store(settings, make_embedder(settings))  # fail fast with a clear message
    except CitedQAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if settings.workers == 1:  # one process: stall watchdog and shutdown deadline (watchdog.py)
        return serve_watched(create_app(settings), settings)
    # JSON logs from our handler; the access log is service.telemetry.observability's.
    # Each worker process builds its own app from the same environment.
    app = "service.app:app_from_env" if settings.workers > 1 else create_app(settings)
    uvicorn.run(
        app,
        factory=isinstance(app, str),
        workers=settings.workers if isinstance(app, str) else None,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
