"""Which service a command talks to: `--url` / `CITEDQA_URL`, else the local one or none.

With no URL given, the command asks the service where `citedqa serve` would listen
(`CITEDQA_HOST`:`CITEDQA_PORT`); when nothing answers there, it runs the app in-process on
the local store (`CITEDQA_DATA_DIR`, `CITEDQA_COLLECTION`, or `CITEDQA_CHROMA_HOST`), so
`citedqa ask` works right after `citedqa ingest` with no server. A URL that was given is
never swapped for the local store: when it does not answer, the command fails.
`CITEDQA_URL` is read here only; it is not a service setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from citedqa.client import DEFAULT_TIMEOUT_S, Client
from citedqa.errors import ServiceUnreachable
from citedqa.settings import Settings, load_settings

PROBE_TIMEOUT_S = 3.0

Url = Annotated[
    str | None,
    typer.Option(
        envvar="CITEDQA_URL",
        help="The service to ask (default: CITEDQA_HOST:CITEDQA_PORT, or in-process on the "
        "local data dir when nothing answers there).",
        show_default=False,
    ),
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        envvar="CITEDQA_API_KEY",
        help="Sent as a bearer token (uploads and deletes may need the admin key).",
        show_default=False,
    ),
]
Timeout = Annotated[float, typer.Option(min=0.1, help="Seconds to wait for a reply.")]
CollectionName = Annotated[
    str | None,
    typer.Option(
        "--collection", help="A named collection (default: the service's).", show_default=False
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the service's JSON, not a table.")]


def local_url(settings: Settings) -> str:
    """Where `citedqa serve` listens with these settings, as a client reaches it."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"


@contextmanager
def connect(
    url: str | None,
    api_key: str | None,
    timeout: float = DEFAULT_TIMEOUT_S,
    collection: str | None = None,
) -> Iterator[Client]:
    """A client of the service at `url`, or of the local one, or of the app in-process;
    its question and document calls go to `collection` (None: the service's default)."""
    if url:
        with Client(url, api_key, timeout=timeout, collection=collection) as client:
            yield client
        return
    settings = load_settings()
    client = Client(local_url(settings), api_key, timeout=timeout, collection=collection)
    try:
        with Client(client.url, api_key, timeout=PROBE_TIMEOUT_S) as probe:
            probe.health()
    except ServiceUnreachable:
        client.close()
        Console(stderr=True, soft_wrap=True).print(
            f"[dim]No service at {client.url}: running in-process on {_store_of(settings)}.[/dim]",
            highlight=False,
        )
        with in_process(settings, api_key, timeout, collection) as local:
            yield local
        return
    with client:
        yield client


@contextmanager
def in_process(
    settings: Settings, api_key: str | None, timeout: float, collection: str | None = None
) -> Iterator[Client]:
    """The app for `settings` served in this process on a free local port, and its client.

    An embedded data dir that a running service holds is refused here, in one line, rather
    than by the app's start-up (a traceback): that service is elsewhere than asked."""
    from citedqa.datalock import hold_data_dir
    from citedqa.errors import DataDirLockedError
    from service.app import create_app
    from service.threaded import serve_in_thread

    if not settings.chroma_host:
        try:
            hold_data_dir(settings.data_dir)
        except DataDirLockedError:
            raise DataDirLockedError(
                f"{settings.data_dir} is held by a running citedqa service, and none answers at "
                f"{local_url(settings)}: pass its --url (or set CITEDQA_URL, or CITEDQA_PORT)"
            ) from None

    with (
        serve_in_thread(create_app(settings)) as url,
        Client(url, api_key, timeout=timeout, collection=collection) as client,
    ):
        yield client


def _store_of(settings: Settings) -> str:
    if settings.chroma_host:
        return f"the Chroma server {settings.chroma_host}:{settings.chroma_port}"
    return f"{settings.data_dir} (collection {settings.collection})"
