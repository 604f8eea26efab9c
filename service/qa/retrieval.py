"""Question to ranked evidence: vector and BM25 search fused, stale and duplicate hits out.

Vector search (Chroma) and BM25 (service.qa.lexical) each rank candidates; reciprocal rank
fusion merges the two lists. In hybrid mode the best first-round passages then seed a second
round for the second hop of a multi-hop question (service.qa.bridging), whose hits are placed
after their seeds. Every chunk keeps its cosine similarity to the question as `score`, so
thresholds mean the same in every mode, and carries the score the list is ordered by as
`rank_score` (fused RRF in hybrid, a second-hop hit the mean of its neighbours'; BM25 or
cosine in a single mode). Chunks of a
document version being replaced are dropped, and a passage that a near-duplicate document
repeats is kept once, listing the other document in `also_reported_by`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import numpy as np

from citedqa.duplicates import MIN_ALIGNED, alignment
from citedqa.languages import question_language
from citedqa.models import RetrievedChunk, chunk_version
from citedqa.settings import RetrievalMode
from service.qa.batching import QueryEncoder, StoreReader, StoreSearch
from service.qa.bridging import Ranking, bridge_query, merge_hops
from service.qa.catalog import Catalog, DocState
from service.qa.evidence import Evidence
from service.qa.lexical import LexicalIndex
from service.telemetry.timings import stage


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


@dataclasses.dataclass(frozen=True, slots=True)
class SecondHop:
    """How the second round runs: the best `seeds` first-round documents seed a BM25
    search each (0: no second round) with at most `names` of their names, whose hits are
    placed after the seed `gap` places apart (`bridging.merge_hops`).

    BM25 alone: it costs about 0.1 ms a search, where embedding the seeds' queries for a
    vector search too cost as much again as the whole first round (about 35 ms on two busy
    cores) for 0.74 instead of 0.69 answers in the top 5 (eval/dev-corpora/multihop, dev)."""

    seeds: int = 2
    names: int = 8
    gap: int = 2


class Retriever:
    """Hybrid (vector + BM25) search over current document versions.

    Both searches and the fusion work on chunk ids alone (an id names its document and
    version, see `chunk_version`); only the chunks that can make the top `k` are then read
    from the store, in one request.
    """

    def __init__(
        self,
        encoder: QueryEncoder,
        search: StoreSearch,
        reader: StoreReader,
        catalog: Catalog,
        lexical: LexicalIndex,
        rrf_k: int = 60,
        bm25_weight: float = 1.0,
        hops: SecondHop | None = None,
    ) -> None:
        self._encoder = encoder
        self._search = search
        self._reader = reader
        self._catalog = catalog
        self._lexical = lexical
        self._rrf_k = rrf_k
        self._bm25_weight = bm25_weight
        self._hops = hops or SecondHop()

    def retrieve(
        self,
        question: str,
        top_k: int,
        mode: RetrievalMode = "hybrid",
        filters: Filters | None = None,
    ) -> Evidence:
        """The `top_k` best chunks for the question, best first."""
        filters = filters or Filters()
        if mode == "hybrid" and not self._lexical.is_current():
            # A BM25 index that lags the store (being rebuilt after a write) would outvote
            # fresh vector hits with old text: until it is current, vector search alone.
            mode = "vector"
        with stage("embed"):
            vector = self._encoder.encode(question)
            language = question_language(question)
        # Extra candidates make up for stale and collapsed hits, and feed the fusion.
        depth = max(2 * top_k, top_k + 10)
        rankings: list[list[tuple[str, float]]] = []
        if mode in ("hybrid", "vector"):
            rankings.append(self._search.nearest(vector, depth, filters.chroma_where()))
        if mode in ("hybrid", "bm25"):
            rankings.append(self._lexical.search(question, depth, filters.allowed(), language))
        weights = [1.0, self._bm25_weight] if mode == "hybrid" else [1.0]
        ranked = _fuse(rankings, weights, self._rrf_k)
        if mode == "hybrid" and self._hops.seeds:
            with stage("second_hop"):
                ranked = self._second_hop(question, ranked, depth, filters, language)
        fused = dict(ranked)
        live, states = self._live(list(fused))
        chunks = self._read(_may_be_kept(live, states, top_k), vector, fused)
        kept = _collapse(chunks, states, top_k)
        return Evidence(question=question, vector=vector, chunks=kept, language=language)

    def _second_hop(
        self, question: str, first: Ranking, depth: int, filters: Filters, language: str
    ) -> Ranking:
        """`first` with the second-round hits of each seed (the best chunk of each of the
        first `seeds` documents) merged in; a seed that adds no name searches nothing."""
        seeds = _seeds(first, self._hops.seeds)
        found = self._reader.get_chunks(seeds)
        queries = {
            seed: query
            for seed in seeds
            if seed in found
            and (query := bridge_query(question, found[seed][0].text, self._hops.names, language))
        }
        if not queries:
            return first
        hops = {
            seed: self._lexical.search(query, depth, filters.allowed(), language)
            for seed, query in queries.items()
        }
        return merge_hops(first, hops, self._hops.gap)

    def embed_ahead(self, questions: list[str]) -> None:
        """Embed several questions in one forward pass, ahead of their `retrieve` calls
        (which then find the vectors in the encoder's cache)."""
        with stage("embed"):
            self._encoder.encode_many(questions)

    def _live(self, chunk_ids: list[str]) -> tuple[list[str], dict[str, DocState]]:
        """The chunks of each document's live version, and the documents' states."""
        versions = [chunk_version(cid) for cid in chunk_ids]
        seen: dict[str, set[str]] = defaultdict(set)
        for doc_id, version in versions:
            seen[doc_id].add(version)
        states = self._catalog.states(seen)
        live = [
            cid
            for cid, (doc_id, version) in zip(chunk_ids, versions, strict=True)
            if doc_id in states and states[doc_id].is_live(version)
        ]
        return live, states

    def _read(
        self, chunk_ids: list[str], vector: np.ndarray, rank_scores: dict[str, float]
    ) -> list[RetrievedChunk]:
        """The chunks, in order, scored by cosine to the question and carrying the score
        they were ranked by; ids deleted meanwhile are left out."""
        found = self._reader.get_chunks(chunk_ids)
        return [
            dataclasses.replace(
                found[cid][0], score=float(found[cid][1] @ vector), rank_score=rank_scores[cid]
            )
            for cid in chunk_ids
            if cid in found
        ]


def _seeds(ranking: list[tuple[str, float]], count: int) -> list[str]:
    """The first chunk of each of the first `count` documents of a ranking: two chunks of
    one document name the same things, and would seed the same second search."""
    seeds: dict[str, str] = {}
    for chunk_id, _ in ranking:
        doc_id = chunk_version(chunk_id)[0]
        if doc_id not in seeds:
            seeds[doc_id] = chunk_id
            if len(seeds) == count:
                break
    return list(seeds.values())


def _may_be_kept(chunk_ids: list[str], states: dict[str, DocState], top_k: int) -> list[str]:
    """The ids `_collapse` can keep or credit: the first `top_k`, plus those whose document
    has a near-duplicate among the hits (which collapsing may drop, letting later ones in)."""
    docs = [chunk_version(cid)[0] for cid in chunk_ids]
    groups = [states[doc_id].group for doc_id in docs]
    docs_of_group: dict[str, set[str]] = defaultdict(set)
    for doc_id, group in zip(docs, groups, strict=True):
        docs_of_group[group].add(doc_id)
    shared = [len(docs_of_group[group]) > 1 for group in groups]
    room = top_k + sum(shared)
    return [c for i, c in enumerate(chunk_ids) if i < room or shared[i]]


def _collapse(
    chunks: list[RetrievedChunk], states: dict[str, DocState], top_k: int
) -> list[RetrievedChunk]:
    """The first `top_k` chunks, a passage a near-duplicate document repeats kept once
    (crediting the other document in `also_reported_by`)."""
    kept: list[RetrievedChunk] = []
    for chunk in chunks:
        group = states[chunk.doc_id].group
        twin = next(
            (
                i
                for i, k in enumerate(kept)
                if k.doc_id != chunk.doc_id
                and states[k.doc_id].group == group
                and _same_passage(k, chunk)
            ),
            None,
        )
        if twin is None:
            if len(kept) < top_k:  # past it, still scanned: a later twin credits a kept one
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
    rankings: list[list[tuple[str, float]]], weights: list[float], k: int
) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of (chunk_id, score) rankings, best first: each id
    scored by the sum of weight / (k + rank). One ranking is kept with its own scores."""
    if len(rankings) == 1:
        return rankings[0]
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (chunk_id, _) in enumerate(ranking, start=1):
            scores[chunk_id] += weight / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
