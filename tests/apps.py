"""In-process clients for the app under deployment settings (keys, limits, CORS)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.testclient import TestClient

from citedqa.settings import Settings
from service.app import create_app


def settings_like(base: Settings, **overrides: object) -> Settings:
    """`base` with `overrides`, validated like the environment would be."""
    return Settings(_env_file=None, **(base.model_dump() | overrides))  # type: ignore[call-arg]


@contextmanager
def client_for(
    settings: Settings, client: tuple[str, int] = ("203.0.113.7", 50000)
) -> Iterator[TestClient]:
    """A started app for `settings`, called in-process from the address `client`."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, client=client) as test_client:
        yield test_client
