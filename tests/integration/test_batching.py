"""Concurrent query embeddings and searches share batches and equal one-at-a-time results."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citedqa.components import open_store
from citedqa.embedder import MiniLMEmbedder
from citedqa.errors import ShuttingDownError, StoreUnavailableError
from citedqa.settings import Settings
from citedqa.store import Store
from service.qa.batching import ChunkReader, MicroBatcher, NearestSearch, QueryEncoder
from service.qa.generation import BackgroundJob
from tests.helpers import wait_until


class Gate:
    """Holds the worker's first batch until more calls have queued behind it, so that the
    next batch holds several whatever the thread scheduler does (no timing assumed)."""

    def __init__(self) -> None:
        self.opened = threading.Event()

    def pass_first(self) -> None:
        self.opened.wait(timeout=30)

    def open_when_queued(self, batcher: MicroBatcher[Any, Any], waiting: int) -> None:
        wait_until(lambda: batcher.waiting >= waiting)
        self.opened.set()


class CountingEmbedder:
    """The real embedder, counting the batches it is given."""

    def __init__(self, embedder: MiniLMEmbedder) -> None:
        self.embedder = embedder
        self.batches: list[int] = []
        self.gate = Gate()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.batches.append(len(texts))
        self.gate.pass_first()
        return self.embedder.encode_queries(texts)


def test_concurrent_questions_are_batched_and_exact(embedder: MiniLMEmbedder) -> None:
    counting = CountingEmbedder(embedder)
    encoder = QueryEncoder(counting, max_batch=16)  # type: ignore[arg-type]
    questions = [f"Question number {i} about the summit?" for i in range(32)]
    try:
        with ThreadPoolExecutor(16) as pool:
            pending = pool.map(encoder.encode, questions)
            counting.gate.open_when_queued(encoder._batcher, waiting=2)
            vectors = list(pending)
        assert max(counting.batches) > 1, "no two questions shared a batch"
        assert sum(counting.batches) == 32
        alone = embedder.encode(questions)
        assert np.allclose(np.stack(vectors), alone, atol=1e-4)
        calls = len(counting.batches)
        assert np.allclose(encoder.encode(questions[0]), alone[0], atol=1e-4)
        assert len(counting.batches) == calls, "a repeated question should come from the cache"
    finally:
        encoder.close()


def test_failures_reach_the_waiting_request(embedder: MiniLMEmbedder) -> None:
    class Broken:
        def encode_queries(self, texts: list[str]) -> np.ndarray:
            raise RuntimeError("model crashed")

    encoder = QueryEncoder(Broken())  # type: ignore[arg-type]
    try:
        try:
            encoder.encode("anything")
        except RuntimeError as exc:
            assert "model crashed" in str(exc)
        else:
            raise AssertionError("the failure was swallowed")
    finally:
        encoder.close()


class CountingStore:
    """A real store over the seeds, counting the vectors of each search it is given."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.batches: list[int] = []
        self.gate = Gate()

    def nearest(
        self, vectors: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        self.batches.append(len(vectors))
        self.gate.pass_first()
        return self.store.nearest(vectors, k, where)


def test_concurrent_searches_are_batched_per_filter_and_exact(
    seeded_settings: Settings, embedder: MiniLMEmbedder
) -> None:
    store = open_store(seeded_settings, embedder)
    counting = CountingStore(store)
    searcher = NearestSearch(max_batch=16)
    search = searcher.on(counting)  # type: ignore[arg-type]
    questions = [f"Question number {i} about the summit and trade?" for i in range(24)]
    vectors = embedder.encode(questions)
    # Half the searches are filtered to one document: a batch must not mix filters.
    asks = [
        (v, 3 + i % 2, {"doc_id": {"$in": ["001_bf46565b3b65e965"]}} if i % 3 == 0 else None)
        for i, v in enumerate(vectors)
    ]
    try:
        with ThreadPoolExecutor(16) as pool:
            pending = pool.map(lambda a: search.nearest(*a), asks)
            # Eight waiting fall into at most four (k, filter) groups: two share a search.
            counting.gate.open_when_queued(searcher._batcher, waiting=8)
            batched = list(pending)
        assert max(counting.batches) > 1, "no two searches shared a batch"
        for (vector, k, where), hits in zip(asks, batched, strict=True):
            alone = store.nearest(vector[None, :], k, where)[0]
            assert [c for c, _ in hits] == [c for c, _ in alone]
            assert len(hits) == k
            if where:
                assert all(c.startswith("001_") for c, _ in hits)
    finally:
        searcher.close()


def test_a_call_after_close_fails_fast(embedder: MiniLMEmbedder) -> None:
    encoder = QueryEncoder(embedder)
    encoder.close()
    try:
        encoder.encode("anything")
    except ShuttingDownError as exc:
        assert exc.status_code == 503
    else:
        raise AssertionError("a call after close() should not wait for a worker")


def test_a_failed_background_job_waits_before_it_runs_again() -> None:
    def runs_after_two_starts(retry_after: float) -> int:
        runs: list[int] = []

        def failing() -> None:
            runs.append(1)
            raise StoreUnavailableError("down")

        job = BackgroundJob(failing, "test-job", retry_after=retry_after)
        for _ in range(2):
            job.start()
            wait_until(lambda: job._thread is None or not job._thread.is_alive())
        return len(runs)

    assert runs_after_two_starts(retry_after=60.0) == 1  # not again at once
    assert runs_after_two_starts(retry_after=0.0) == 2  # the wait is what held it back


def test_chunks_are_read_once_until_the_store_changes(
    tmp_path: Path, embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.job import ingest_path
    from service.qa.chunk_cache import ChunkCache
    from service.qa.generation import GenerationClock
    from tests.helpers import SEEDS, make_settings

    settings = make_settings(tmp_path / "data")
    ingest_path(settings, SEEDS / "001_bf46565b3b65e965.txt", show_progress=False)
    store = open_store(settings, embedder)
    reader = ChunkReader()
    cached = reader.on(store, ChunkCache(GenerationClock(store, check_every=0.0)))
    ids = sorted(store.stored_chunk_ids())[:6]
    asks = [ids[:4], [*ids[2:], "001_bf46565b3b65e965:000000000000:99"], []]
    reads: list[list[list[str]]] = []
    read = reader.get_chunks_many

    def counted(store: Store, id_lists: list[list[str]]) -> list[dict[str, Any]]:
        reads.append(id_lists)
        return read(store, id_lists)

    monkeypatch.setattr(reader, "get_chunks_many", counted)
    try:
        plain = reader.on(store).get_chunks_many(asks)
        first = cached.get_chunks_many(asks)
        again = cached.get_chunks_many(asks)
        assert [list(found) for found in first] == [ids[:4], ids[2:], []]  # no unknown id
        for a, b, c in zip(plain, first, again, strict=True):
            assert list(a) == list(b) == list(c)
            for chunk_id, (chunk, vector) in a.items():
                held, held_vector = c[chunk_id]
                assert replace(held, sentence_vectors=None) == replace(chunk, sentence_vectors=None)
                assert np.array_equal(held.sentence_vectors, chunk.sentence_vectors)  # type: ignore[arg-type]
                assert np.array_equal(held_vector, vector)
        # The first call read every id; the second only the one the store does not have.
        assert reads[1:] == [asks, [[], [asks[1][-1]], []]]
        with pytest.raises(ValueError, match="read-only"):
            again[0][ids[0]][1][0] = 1.0  # shared by every request that reads it
        store.remove_document("001_bf46565b3b65e965")  # a write moves the generation
        assert cached.get_chunks_many(asks) == [{}, {}, {}]  # read again: gone
    finally:
        reader.close()
