"""The Chroma client: embedded, or of a server (CITEDQA_CHROMA_HOST) with its bearer token.

`chroma run` (1.5.9) checks no credentials itself, so a deployment puts it on a private
network behind a proxy that does (docker-compose.yml, deploy/chroma-proxy.conf.template);
every request citedqa sends carries `Authorization: Bearer <CITEDQA_CHROMA_TOKEN>` for it.
"""

from __future__ import annotations

from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from citedqa.settings import Settings


def token_headers(settings: Settings) -> dict[str, str]:
    """The headers that authenticate citedqa to the server (none without a token)."""
    if settings.chroma_token is None:
        return {}
    return {"Authorization": f"Bearer {settings.chroma_token.get_secret_value()}"}


def new_client(settings: Settings) -> Any:
    """An HttpClient when CITEDQA_CHROMA_HOST is set (it fails here if the server refuses
    us), else an embedded PersistentClient under CITEDQA_DATA_DIR."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            headers=token_headers(settings),
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
