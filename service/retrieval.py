"""Question to ranked evidence: embed the question, search the store, drop stale chunks."""

from __future__ import annotations

from citedqa.embedder import Embedder
from citedqa.store import Store
from service.answerers.base import Evidence
from service.texts import DocumentTexts


class Retriever:
    """Vector search over the chunk collection, limited to current document versions."""

    def __init__(self, embedder: Embedder, store: Store, texts: DocumentTexts) -> None:
        self._embedder = embedder
        self._store = store
        self._texts = texts

    def retrieve(self, question: str, top_k: int) -> Evidence:
        """The `top_k` chunks most similar to the question, best first."""
        vector = self._embedder.encode([question])[0]
        # A few extra hits cover chunks of a version being replaced, which are skipped.
        hits = self._store.query(vector, top_k + 4)
        current = [h for h in hits if self._texts.get(h.doc_id, h.doc_hash) is not None]
        return Evidence(question=question, vector=vector, chunks=current[:top_k])
