"""BM25 over every chunk, kept in memory and in step with the store.

The index (bm25s) is built from the store's chunk texts, tokenised by the same key-term
rules as the rest of citedqa. bm25s cannot add documents to a built index, so it is
rebuilt, whole, when the store's generation changes: at once after this process's own
writes (`rebuild`), and in a background thread after another process's, while searches
go on using the previous index. Only the very first build makes searches wait; the
service starts it at start-up (`warm`). Hits of chunks deleted meanwhile are dropped by
the retriever, which fetches every hit from the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from citedqa.store import Store
from citedqa.terms import key_terms
from service.generation import BackgroundJob, GenerationClock

_FILTER_FIELDS = ("doc_id", "outlet", "author", "date", "page")


@dataclass(frozen=True, slots=True)
class _Snapshot:
    generation: str
    ids: list[str]
    metadata: list[dict[str, object]]
    bm25: bm25s.BM25 | None


class LexicalIndex:
    """BM25 search returning (chunk_id, score) pairs, best first."""

    def __init__(self, store: Store, clock: GenerationClock) -> None:
        self._store = store
        self._clock = clock
        self._build_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._background = BackgroundJob(self._catch_up, "bm25-build")

    def warm(self) -> None:
        """Build the index in a background thread (so no request waits for it)."""
        self._background.start()

    def rebuild(self) -> None:
        """Rebuild now from the store (this process just changed it)."""
        with self._build_lock:
            self._build()

    def search(
        self, question: str, k: int, allowed: dict[str, object] | None = None
    ) -> list[tuple[str, float]]:
        """Top `k` chunks by BM25; `allowed` keeps chunks whose metadata match all its items."""
        snap = self._snapshot
        if snap is None:
            with self._build_lock:  # the first build: nothing to search until it is done
                snap = self._snapshot or self._build()
        elif snap.generation != self._clock.current():
            self._background.start()
        tokens = key_terms(question)
        if snap.bm25 is None or not snap.ids or not tokens:
            return []
        mask = _mask(snap.metadata, allowed) if allowed else None
        found = snap.bm25.retrieve(
            [tokens], k=min(k, len(snap.ids)), show_progress=False, weight_mask=mask, n_threads=1
        )
        return [
            (snap.ids[int(i)], float(s))
            for i, s in zip(found.documents[0], found.scores[0], strict=True)
            if s > 0
        ]

    def _catch_up(self) -> None:
        with self._build_lock:
            snap = self._snapshot
            if snap is None or snap.generation != self._clock.current():
                self._build()

    def _build(self) -> _Snapshot:
        """Read every chunk and index it; the caller holds the build lock."""
        self._clock.expire()
        generation = self._clock.current()
        ids, texts, metadata = self._store.all_chunks(_FILTER_FIELDS)
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index([key_terms(t) or ["\x00"] for t in texts], show_progress=False)
        self._snapshot = _Snapshot(generation, ids, metadata, bm25)
        return self._snapshot


def _mask(metadata: list[dict[str, object]], allowed: dict[str, object]) -> np.ndarray:
    """1.0 for chunks whose metadata match every item of `allowed`, else 0.0."""

    def ok(meta: dict[str, object]) -> bool:
        for key, want in allowed.items():
            value = meta.get(key)
            if isinstance(want, (list, tuple, set)):
                if value not in want:
                    return False
            elif value != want:
                return False
        return True

    return np.array([ok(m) for m in metadata], dtype=np.float32)
