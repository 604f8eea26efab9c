"""Question to ranked evidence: vector and BM25 search fused, stale and duplicate hits out.

Vector search (Chroma) and BM25 (service.lexical) each rank candidates; reciprocal rank
fusion merges the two lists. Every chunk keeps its cosine similarity to the question as
`score`, so thresholds mean the same in every mode. Chunks of a document version being
replaced are dropped, and a passage that a near-duplicate document repeats is kept once,
listing the other document in `also_reported_by`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import numpy as np

from citedqa.duplicates import MIN_ALIGNED, alignment
from citedqa.models import RetrievedChunk
from citedqa.settings import RetrievalMode
from citedqa.store import Store
from service.answerers.base import Evidence
from service.batching import QueryEncoder
from service.catalog import Catalog, DocState
from service.lexical import LexicalIndex
from service.timings import stage


@dataclasses.dataclass(frozen=True, slots=True)
class Filters:
    """Restrict a search to some documents and/or metadata values (all must match)."""

    doc_ids: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()

    def allowed(self) -> dict[str, object] | None:
        """The filter as {field: value or list of values}, or None for no filter."""
        out: dict[str, object] = dict(self.metadata)
        if self.doc_ids:
            out["doc_id"] = list(self.doc_ids)
        return out or None

    def chroma_where(self) -> dict[str, Any] | None:
        """The filter as a Chroma `where` clause."""
        clauses: list[dict[str, Any]] = [{k: v} for k, v in self.metadata]
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    """Hybrid (vector + BM25) search over current document versions."""

    def __init__(
        self,
        encoder: QueryEncoder,
        store: Store,
        catalog: Catalog,
        lexical: LexicalIndex,
        rrf_k: int = 60,
        bm25_weight: float = 1.0,
    ) -> None:
        self._encoder = encoder
        self._store = store
        self._catalog = catalog
        self._lexical = lexical
        self._rrf_k = rrf_k
        self._bm25_weight = bm25_weight

    def retrieve(
        self,
        question: str,
        top_k: int,
        mode: RetrievalMode = "hybrid",
        filters: Filters | None = None,
    ) -> Evidence:
        """The `top_k` best chunks for the question, best first."""
        filters = filters or Filters()
        with stage("embed"):
            vector = self._encoder.encode(question)
        # Extra candidates make up for stale and collapsed hits, and feed the fusion.
        depth = max(2 * top_k, top_k + 10)
        rankings: list[list[RetrievedChunk]] = []
        if mode in ("hybrid", "vector"):
            rankings.append(self._store.query(vector, depth, filters.chroma_where()))
        if mode in ("hybrid", "bm25"):
            rankings.append(self._lexical_ranking(question, vector, depth, filters))
        weights = [1.0, self._bm25_weight] if mode == "hybrid" else [1.0]
        fused = _fuse(rankings, weights, self._rrf_k) if len(rankings) > 1 else rankings[0]
        chunks = self._collapse(fused, self._current(fused), top_k)
        return Evidence(question=question, vector=vector, chunks=chunks)

    def _lexical_ranking(
        self, question: str, vector: np.ndarray, depth: int, filters: Filters
    ) -> list[RetrievedChunk]:
        hits = self._lexical.search(question, depth, filters.allowed())
        chunks = self._store.get_chunks([cid for cid, _ in hits])
        out = []
        for cid, _ in hits:
            found = chunks.get(cid)
            if found is not None:
                chunk, chunk_vector = found
                out.append(dataclasses.replace(chunk, score=float(chunk_vector @ vector)))
        return out

    def _current(self, chunks: list[RetrievedChunk]) -> dict[str, DocState]:
        """Live state of the documents of `chunks`, each document's hashes checked at once."""
        seen: dict[str, set[str]] = defaultdict(set)
        for chunk in chunks:
            seen[chunk.doc_id].add(chunk.doc_hash)
        return self._catalog.states(seen)

    @staticmethod
    def _collapse(
        chunks: list[RetrievedChunk], states: dict[str, DocState], top_k: int
    ) -> list[RetrievedChunk]:
        """Chunks of live versions only; a passage a near-duplicate document repeats is kept
        once, crediting the other document in `also_reported_by`."""
        kept: list[RetrievedChunk] = []
        for chunk in chunks:
            state = states.get(chunk.doc_id)
            if state is None or state.content_hash != chunk.doc_hash:
                continue  # a version being replaced or removed
            twin = next(
                (
                    i
                    for i, k in enumerate(kept)
                    if k.doc_id != chunk.doc_id
                    and states[k.doc_id].group == state.group
                    and _same_passage(k, chunk)
                ),
                None,
            )
            if twin is None:
                if len(kept) == top_k:
                    continue  # still scanned: a later twin credits a kept passage
                kept.append(chunk)
            elif chunk.doc_id not in kept[twin].also_reported_by:
                others = (*kept[twin].also_reported_by, chunk.doc_id)
                kept[twin] = dataclasses.replace(kept[twin], also_reported_by=others)
        return kept


def _same_passage(a: RetrievedChunk, b: RetrievedChunk) -> bool:
    if a.sentence_vectors is None or b.sentence_vectors is None:
        return False
    return alignment(a.sentence_vectors, b.sentence_vectors) >= MIN_ALIGNED


def _fuse(
    rankings: list[list[RetrievedChunk]], weights: list[float], k: int
) -> list[RetrievedChunk]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    scores: dict[str, float] = defaultdict(float)
    chunks: dict[str, RetrievedChunk] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, chunk in enumerate(ranking, start=1):
            scores[chunk.chunk_id] += weight / (k + rank)
            chunks.setdefault(chunk.chunk_id, chunk)
    return [chunks[cid] for cid in sorted(scores, key=lambda c: scores[c], reverse=True)]
