"""BM25 over every chunk, kept in memory and in step with the store.

The index (bm25s) is built from the store's chunk texts, tokenised by the same key-term
rules as the rest of citedqa. It is rebuilt, not per query, but when the store's
generation token changes: after this process's own writes (`invalidate`) or another
process's (checked at most once per `check_every` seconds).
"""

from __future__ import annotations

import threading
import time

import bm25s
import numpy as np

from citedqa.store import Store
from citedqa.terms import key_terms


class LexicalIndex:
    """BM25 search returning (chunk_id, score) pairs, best first."""

    def __init__(self, store: Store, check_every: float = 1.0) -> None:
        self._store = store
        self._check_every = check_every
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._checked_at = 0.0
        self._ids: list[str] = []
        self._doc_ids: np.ndarray = np.array([], dtype=object)
        self._metadata: list[dict[str, object]] = []
        self._bm25: bm25s.BM25 | None = None

    def invalidate(self) -> None:
        """Rebuild before the next search (this process changed the store)."""
        with self._lock:
            self._generation = None

    def search(
        self, question: str, k: int, allowed: dict[str, object] | None = None
    ) -> list[tuple[str, float]]:
        """Top `k` chunks by BM25; `allowed` keeps chunks whose metadata match all its items."""
        self._refresh()
        tokens = key_terms(question)
        bm25, ids = self._bm25, self._ids
        if bm25 is None or not ids or not tokens:
            return []
        mask = self._mask(allowed) if allowed else None
        found = bm25.retrieve(
            [tokens], k=min(k, len(ids)), show_progress=False, weight_mask=mask, n_threads=1
        )
        return [
            (ids[int(i)], float(s))
            for i, s in zip(found.documents[0], found.scores[0], strict=True)
            if s > 0
        ]

    def _mask(self, allowed: dict[str, object]) -> np.ndarray:
        def ok(meta: dict[str, object]) -> bool:
            for key, want in allowed.items():
                value = meta.get(key)
                if isinstance(want, (list, tuple, set)):
                    if value not in want:
                        return False
                elif value != want:
                    return False
            return True

        return np.array([ok(m) for m in self._metadata], dtype=np.float32)

    def _refresh(self) -> None:
        now = time.monotonic()
        with self._lock:
            if self._generation is not None and now - self._checked_at < self._check_every:
                return
            generation = self._store.generation()
            self._checked_at = now
            if generation == self._generation:
                return
            keep = ("doc_id", "outlet", "author", "date", "page")
            ids, texts, metadatas = self._store.all_chunks(keep)
            bm25 = None
            if ids:
                bm25 = bm25s.BM25()
                bm25.index([key_terms(t) or ["\x00"] for t in texts], show_progress=False)
            self._metadata = metadatas
            self._ids, self._bm25, self._generation = ids, bm25, generation
