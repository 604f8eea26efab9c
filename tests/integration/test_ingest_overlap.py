"""The ingest job reads the next files while it embeds one (real parser pool, embedder, Chroma)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
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
