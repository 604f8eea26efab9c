"""Concurrent query embeddings share batches and equal one-at-a-time vectors."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from citedqa.embedder import Embedder
from service.batching import QueryEncoder


class CountingEmbedder:
    """The real embedder, counting the batches it is given."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.batches: list[int] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self.embedder.encode(texts)


def test_concurrent_questions_are_batched_and_exact(embedder: Embedder) -> None:
    counting = CountingEmbedder(embedder)
    encoder = QueryEncoder(counting, max_batch=16)  # type: ignore[arg-type]
    questions = [f"Question number {i} about the summit?" for i in range(32)]
    try:
        with ThreadPoolExecutor(16) as pool:
            vectors = list(pool.map(encoder.encode, questions))
        assert max(counting.batches) > 1, "no two questions shared a batch"
        assert sum(counting.batches) == 32
        alone = embedder.encode(questions)
        assert np.allclose(np.stack(vectors), alone, atol=1e-4)
        calls = len(counting.batches)
        assert np.allclose(encoder.encode(questions[0]), alone[0], atol=1e-4)
        assert len(counting.batches) == calls, "a repeated question should come from the cache"
    finally:
        encoder.close()


def test_failures_reach_the_waiting_request(embedder: Embedder) -> None:
    class Broken:
        def encode(self, texts: list[str]) -> np.ndarray:
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
