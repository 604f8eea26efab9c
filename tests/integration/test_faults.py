"""Faults: Chroma stopped and restarted under the service; ingest while clients query.

Both run in server mode (`chroma run`): embedded Chroma is not safe across processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citedqa.components import make_embedder, open_store
from citedqa.settings import Settings
from citedqa.store import ManifestEntry
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.chroma_process import ChromaProcess
from tests.helpers import ROOT, SEEDS, client_for, free_port, make_settings, wait_until

KIM = {"question": "Where did Putin and Kim meet?"}
QUESTIONS = [
    KIM,
    {"question": "What did Putin say about agriculture?"},
    {"question": "Kim's armored train", "top_k": 3},
    {"question": "Which recipe uses butter and chocolate?"},
]
CLIENTS = 8


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaProcess]:
    server = ChromaProcess(tmp_path / "chroma", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_query_is_503_while_chroma_is_down_and_recovers_when_it_is_back(
    chroma: ChromaProcess, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("00[01]_*.txt")):
        shutil.copy(seed, corpus)
    settings = make_settings(
        tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=chroma.port, collection="faults"
    )
    ingest_path(settings, corpus, show_progress=False)
    with client_for(settings) as api:
        before = api.post("/v1/query", json=KIM)
        assert before.status_code == 200 and not before.json()["refused"]

        chroma.stop()
        down = api.post("/v1/query", json=KIM)
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert down.json()["title"] == "Store unavailable"
        assert "vector store failed" in down.json()["detail"]
        # /health is measured at most every 2 s: it says so within that.
        wait_until(lambda: api.get("/health").status_code == 503, timeout=10)

        chroma.start()  # same port, same data
        deadline = time.monotonic() + 20
        while (after := api.post("/v1/query", json=KIM)).status_code != 200:
            assert after.status_code == 503 and time.monotonic() < deadline, after.text
            time.sleep(0.2)
        assert after.json() == before.json()
        wait_until(lambda: api.get("/health").status_code == 200, timeout=10)


def _edited_seeds(folder: Path) -> Path:
    """The seeds, each with one more sentence: a re-ingest of the seeds replaces them all."""
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        text = seed.read_text(encoding="utf-8")
        (folder / seed.name).write_text(text + "\nThis earlier version is superseded.\n")
    return folder


def test_ingest_while_clients_query_loses_nothing(
    chroma_server: tuple[str, int], seeded_settings: Settings, tmp_path: Path
) -> None:
    host, port = chroma_server
    collection = f"busy-{uuid.uuid4().hex[:8]}"
    settings = make_settings(
        tmp_path / "unused", chroma_host=host, chroma_port=port, collection=collection
    )
    ingest_path(settings, _edited_seeds(tmp_path / "old"), show_progress=False)
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    done = threading.Event()

    def client(n: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            i = n
            while not done.is_set():
                try:
                    response = http.post("/v1/query", json=QUESTIONS[i % len(QUESTIONS)])
                    response.json()
                    outcomes[str(response.status_code)] += 1
                    if response.status_code != 200:
                        failures.append(response.text)
                except Exception as exc:  # counted: any failure fails the test
                    outcomes[type(exc).__name__] += 1
                i += 1

    env = {**os.environ, "CITEDQA_CHROMA_HOST": host, "CITEDQA_CHROMA_PORT": str(port)}
    env |= {"CITEDQA_COLLECTION": collection}
    with serve_app(create_app(settings)) as url:
        threads = [threading.Thread(target=client, args=(n, url)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            # Another process, as in production: the one-shot ingest job.
            job = subprocess.run(
                [sys.executable, "-m", "ingest", str(SEEDS), "--quiet"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
        finally:
            done.set()
            for thread in threads:
                thread.join(60)
    assert job.returncode == 0, job.stderr
    assert "5 updated" in job.stdout
    assert set(outcomes) == {"200"} and outcomes["200"] >= CLIENTS, (outcomes, failures[:3])
    assert _state(settings) == _state(seeded_settings), "differs from a clean ingest"


def _state(settings: Settings) -> tuple[set[str], dict[str, ManifestEntry]]:
    """Chunk ids stored, and the whole manifest (hashes, chunk ids, titles, duplicates)."""
    store = open_store(settings, make_embedder(settings))
    return store.stored_chunk_ids(), store.manifest()
