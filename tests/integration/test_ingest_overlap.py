"""The ingest job reads the next files while it embeds one (real parser pool, embedder, Chroma)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from citedqa.indexer import Embedded, Indexer
from citedqa.isolation import ParserPool
from citedqa.models import Document
from citedqa.settings import Settings
from ingest.job import ingest_path
from tests.helpers import SEEDS, store_state


def test_the_next_file_is_read_while_a_document_is_embedded(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Waiting on the parser process in the embedding loop put it on the encoder's path (9% of
    # the bench's ingest at load 6); reading ahead in a thread of its own takes it off.
    reads: list[tuple[str, str, float]] = []  # (doc_id, thread, started)
    embeds: list[tuple[str, float, float]] = []  # (doc_id, started, ended)
    parse, embed = ParserPool.parse, Indexer.embed

    def timed_parse(self: ParserPool, doc_id: str, suffix: str, raw: bytes) -> Document:
        reads.append((doc_id, threading.current_thread().name, time.perf_counter()))
        return parse(self, doc_id, suffix, raw)

    def timed_embed(self: Indexer, doc: Document, *args: Any) -> Embedded:
        started = time.perf_counter()
        try:
            return embed(self, doc, *args)
        finally:
            embeds.append((doc.doc_id, started, time.perf_counter()))

    monkeypatch.setattr(ParserPool, "parse", timed_parse)
    monkeypatch.setattr(Indexer, "embed", timed_embed)
    summary = ingest_path(settings, SEEDS, show_progress=False)
    assert summary.documents["added"] == 5
    chunks, manifest = store_state(settings)
    assert len(chunks) == summary.chunks_written and len(manifest) == 5
    docs = [r for r in reads if r[0] != "warm-up"]
    assert all(thread != "MainThread" for _, thread, _ in docs)
    first_embed_ended = embeds[0][2]
    assert docs[1][2] < first_embed_ended, "the second file was read only after the first's embed"


CHECK_LAZY = """
import sys
from pathlib import Path
from citedqa.components import make_embedder, make_indexer, open_store
from citedqa.settings import Settings
settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]))
if sys.argv[2] == "ingest":
    from ingest.job import ingest_path
    ingest_path(settings, Path(sys.argv[3]), show_progress=False)
    sys.exit(0)
embedder = make_embedder(settings)
indexer = make_indexer(settings, embedder, open_store(settings, embedder))
print("datasketch" in sys.modules)
entry = indexer.store.manifest()[sys.argv[2]]
print(indexer._duplicates.candidates("a-copy", entry.signature))
"""


def test_the_near_duplicate_index_is_built_on_first_use(settings: Settings) -> None:
    # Importing datasketch to build it took 0.84 s of ingest's start-up, before the first
    # document could be embedded; its first use is on the writer thread.
    # Each in a process of its own: embedded Chroma serves one process at a time.
    def run(*args: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", CHECK_LAZY, str(settings.data_dir), *args],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    run("ingest", str(SEEDS))
    seed = sorted(p.stem for p in SEEDS.glob("*.txt"))[0]
    got = run(seed)
    assert got[0] == "False", "building the indexer imported datasketch"
    assert seed in got[1], "a stored signature is missing from the index built later"
