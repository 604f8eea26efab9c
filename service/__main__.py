"""`python -m service`: serve the API on CITEDQA_HOST:CITEDQA_PORT (CITEDQA_WORKERS processes).

Settings come from `CITEDQA_*` environment variables or a `.env` file; `--help` lists them.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import textwrap

from citedqa.errors import CitedQAError
from citedqa.memory import limit_malloc_arenas
from citedqa.settings import Settings, load_settings

# uvicorn, the app, the store and the embedder are imported only once the port is held:
# `--help` and a busy port answer without loading them.

BACKLOG = 2048  # uvicorn's default


def main(argv: list[str] | None = None) -> int:
    usage().parse_args(argv)  # --help prints the settings and exits 0; nothing starts
    limit_malloc_arenas()
    try:
        settings = load_settings()
    except CitedQAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    try:
        sock = listen(settings)
    except OSError as exc:
        print(
            f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror}; "
            "set CITEDQA_PORT to a free port (or stop what holds it)",
            file=sys.stderr,
        )
        return 1
    with sock:
        from citedqa.components import make_embedder, open_store
        from service.telemetry.logs import configure_logging

        try:
            open_store(settings, make_embedder(settings))  # fail fast with a clear message
        except CitedQAError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return exc.exit_code
        configure_logging(settings)
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        logging.getLogger("citedqa").info(
            "listening on http://%s:%d (answering once /health says ok)", host, settings.port
        )
        serve(settings, sock)
    return 0


def listen(settings: Settings) -> socket.socket:
    """The listening socket on CITEDQA_HOST:CITEDQA_PORT, or OSError (a busy port).

    Bound before anything heavy loads: a busy port used to surface only after the store and
    the embedder had loaded, in uvicorn's exit, which then died with a segfault (rc 139).
    Clients that connect while the store loads wait in the backlog instead of being refused.
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((settings.host, settings.port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)  # worker processes serve the same socket
    return sock


def serve(settings: Settings, sock: socket.socket) -> None:
    """Serve the app on `sock` until a signal stops it; CITEDQA_WORKERS processes share it."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from service.app import create_app
    from service.middleware.proxies import proxy_options
    from service.protocol import HeadCappedHttpToolsProtocol
    from service.telemetry.watchdog import serve_watched

    # JSON logs from our handler; the access log is service.telemetry.observability's.
    # Each worker process builds its own app from the same environment.
    app = "service.app:app_from_env" if settings.workers > 1 else create_app(settings)
    config = uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        backlog=BACKLOG,
        http=HeadCappedHttpToolsProtocol,
        log_config=None,
        access_log=False,
        **proxy_options(settings),
    )
    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is a normal stop
        if settings.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:  # one process: stall watchdog and shutdown deadline (telemetry/watchdog.py)
            serve_watched(config, settings, sock)


def usage() -> argparse.ArgumentParser:
    """The command line: no arguments, and `--help` listing every setting with its default."""
    return argparse.ArgumentParser(
        prog="python -m service",
        description=__doc__,
        epilog=settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def settings_help() -> str:
    """One entry per Settings field: its variable, default and description."""
    lines = ["settings (environment variables):"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "unset" if default is None or default == [] else str(default)
        lines.append(f"  CITEDQA_{name.upper()}  (default: {shown})")
        if field.description:
            lines += textwrap.wrap(
                field.description, 80, initial_indent=" " * 6, subsequent_indent=" " * 6
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
