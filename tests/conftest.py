"""Shared fixtures: the real embedder, real Chroma (embedded and `chroma run`), real HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citedqa.components import make_embedder
from citedqa.embedder import MiniLMEmbedder
from citedqa.settings import Settings
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.fake_llm import FakeLLM
from tests.helpers import SEEDS, free_port, make_settings


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's CITEDQA_* variables or .env file."""
    for key in list(os.environ):
        if key.startswith("CITEDQA_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return make_embedder(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store holding the five seed articles, ingested once per test session."""
    settings = make_settings(tmp_path_factory.mktemp("seeded") / "data")
    ingest_path(settings, SEEDS, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def api(seeded_settings: Settings) -> Iterator[httpx.Client]:
    """An HTTP client for the real app served by uvicorn over the seeded store."""
    with (
        serve_app(create_app(seeded_settings)) as base_url,
        httpx.Client(base_url=base_url, timeout=60) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on a free port, stopped at the end."""
    from tests.chroma_process import ChromaProcess

    server = ChromaProcess(tmp_path_factory.mktemp("chroma-server"), free_port())
    try:
        server.start()
        yield "127.0.0.1", server.port
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    """The fake OpenAI/Ollama server (tests/fake_llm.py), served over real HTTP."""
    llm = FakeLLM()
    with serve_app(llm.app()) as url:
        llm.url = url
        yield llm
