"""The LRU caches of the read path (cachetools), on fakes: bounded, most recent kept."""

from __future__ import annotations

import numpy as np

from citedqa.models import content_hash
from service.qa.support import SupportJudge
from service.qa.texts import DocumentTexts


class FakeStore:
    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.reads: list[str] = []

    def document_text(self, doc_id: str) -> str | None:
        self.reads.append(doc_id)
        return self.texts.get(doc_id)


def test_document_texts_are_bounded_by_total_length_least_recent_out() -> None:
    store = FakeStore({"a": "a" * 40, "b": "b" * 40, "c": "c" * 40, "huge": "h" * 200})
    texts = DocumentTexts(store, max_chars=100)  # type: ignore[arg-type]
    version = {d: content_hash(t) for d, t in store.texts.items()}
    for doc in ("a", "b", "a", "c"):  # c pushes out b, the least recently used
        assert texts.get(doc, version[doc]) == store.texts[doc]
    assert store.reads == ["a", "b", "c"]
    texts.get("a", version["a"])
    texts.get("b", version["b"])
    assert store.reads == ["a", "b", "c", "b"]
    # Longer than the whole cache: given, not kept, and nothing else evicted for it.
    assert texts.get("huge", version["huge"]) == store.texts["huge"]
    texts.get("huge", version["huge"])
    assert store.reads.count("huge") == 2
    texts.get("b", version["b"])
    assert store.reads.count("b") == 2
    texts.forget(["b"])
    texts.get("b", version["b"])
    assert store.reads.count("b") == 3


class CountingEmbedder:
    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_support_vectors_are_cached_lru() -> None:
    embedder = CountingEmbedder()
    judge = SupportJudge(embedder, cache_size=2)  # type: ignore[arg-type]
    judge._vectors(["one", "two"])
    judge._vectors(["one", "one"])  # both known: nothing embedded
    assert embedder.encoded == ["one", "two"]
    judge._vectors(["three"])  # "two" is the least recently used: out
    judge._vectors(["one", "two"])
    assert embedder.encoded == ["one", "two", "three", "two"]
