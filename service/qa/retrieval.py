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
from collections.abc import Sequence
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
class Search:
    """One question to retrieve the `top_k` best chunks for, and how."""

    question: str
    top_k: int
    mode: RetrievalMode = "hybrid"
    filters: Filters = Filters()

    @property
    def depth(self) -> int:
        """Candidates each search returns: extra ones make up for stale and collapsed hits,
        and feed the fusion."""
        return max(2 * self.top_k, self.top_k + 10)


@dataclasses.dataclass(slots=True)
class _Run:
    """One search's state while its batch goes through the stages together."""

    search: Search
    mode: RetrievalMode
    vector: np.ndarray
    language: str
    ranked: Ranking = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class SecondHop:
    """How the second round runs: the best `seeds` first-round documents seed a BM25
    search each (0: no second round) with at most `names` of their names, whose hits are
    placed after the seed `gap` places apart (`bridging.merge_hops`). A document the seed
    names by its title (`titles`) scores `links` times its BM25 score in that search:
    0.688 -> 0.698 answers in the top 5 on eval/dev-corpora/multihop's dev split; with `gap`
    1 as well, 0.740, but one seeds dev answer fell out of the top 5, so `gap` stays 2.

    BM25 alone: it costs about 0.1 ms a search, where embedding the seeds' queries for a
    vector search too cost as much again as the whole first round (about 35 ms on two busy
    cores) for 0.74 instead of 0.69 answers in the top 5 (eval/dev-corpora/multihop, dev)."""

    seeds: int = 2
    names: int = 8
    gap: int = 2
    links: float = 3.0


class Retriever:
    """Hybrid (vector + BM25) search over current document versions.

    Both searches and the fusion work on chunk ids alone (an id names its document and
    version, see `chunk_version`); only the chunks that can make the top `k` are then read
    from the store, in one request.

    A batch of searches (`retrieve_many`, a request batch's) goes through each stage
    together: one Chroma query for all their vectors, one read for all their seeds, one
    for all their kept chunks, each one hop to the store's batcher thread and back, where
    one search after another cost three hops and three Chroma calls each.
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
        return self.retrieve_many([Search(question, top_k, mode, filters or Filters())])[0]

    def retrieve_many(self, searches: Sequence[Search]) -> list[Evidence]:
        """`retrieve` for each search, the batch's store calls shared."""
        # A BM25 index that lags the store (being rebuilt after a write) would outvote
        # fresh vector hits with old text: until it is current, vector search alone.
        lagging = not self._lexical.is_current()
        questions = [search.question for search in searches]
        with stage("embed"):
            vectors = self._encoder.encode_many(questions)
            languages = [question_language(question) for question in questions]
        runs = [
            _Run(search, "vector" if search.mode == "hybrid" and lagging else search.mode, v, lang)
            for search, v, lang in zip(searches, vectors, languages, strict=True)
        ]
        by_vector = [run for run in runs if run.mode in ("hybrid", "vector")]
        asks = [(r.vector, r.search.depth, r.search.filters.chroma_where()) for r in by_vector]
        nearest = dict(zip(map(id, by_vector), self._search.nearest_many(asks), strict=True))
        for run in runs:
            search = run.search
            rankings = [nearest[id(run)]] if id(run) in nearest else []
            if run.mode in ("hybrid", "bm25"):
                allowed = search.filters.allowed()
                rankings.append(
                    self._lexical.search(search.question, search.depth, allowed, run.language)
                )
            weights = [1.0, self._bm25_weight] if run.mode == "hybrid" else [1.0]
            run.ranked = _fuse(rankings, weights, self._rrf_k)
        hopping = [run for run in runs if run.mode == "hybrid" and self._hops.seeds]
        if hopping:
            with stage("second_hop"):
                self._second_hops(hopping)
        fused = [dict(run.ranked) for run in runs]
        lives = [self._live(list(scores)) for scores in fused]
        wanted = [
            _may_be_kept(live, states, run.search.top_k)
            for run, (live, states) in zip(runs, lives, strict=True)
        ]
        found = self._reader.get_chunks_many(wanted)
        return [
            Evidence(
                question=run.search.question,
                vector=run.vector,
                chunks=_collapse(_scored(ids, got, run.vector, scores), states, run.search.top_k),
                language=run.language,
            )
            for run, ids, got, scores, (_, states) in zip(
                runs, wanted, found, fused, lives, strict=True
            )
        ]

    def _second_hops(self, runs: list[_Run]) -> None:
        """Each run's ranking with the second-round hits of each seed (the best chunk of
        each of the first `seeds` documents) merged in; a seed that adds no name searches
        nothing. The seeds of all runs are read at once."""
        seeds = [_seeds(run.ranked, self._hops.seeds) for run in runs]
        for run, its_seeds, found in zip(
            runs, seeds, self._reader.get_chunks_many(seeds), strict=True
        ):
            question, language = run.search.question, run.language
            queries = {
                seed: query
                for seed in its_seeds
                if seed in found
                and (
                    query := bridge_query(question, found[seed][0].text, self._hops.names, language)
                )
            }
            if not queries:
                continue
            allowed = run.search.filters.allowed()
            hops = {
                seed: self._hop(query, found[seed][0], allowed, run)
                for seed, query in queries.items()
            }
            run.ranked = merge_hops(run.ranked, hops, self._hops.gap)

    def _hop(
        self, query: str, seed: RetrievedChunk, allowed: dict[str, object] | None, run: _Run
    ) -> Ranking:
        """One seed's second-round ranking: the BM25 hits of its bridge query, those of the
        documents the seed names by title (`titles`) scored `links` times higher."""
        language, depth = run.language, run.search.depth
        ranking = self._lexical.search(query, depth, allowed, language)
        linked = self._lexical.linked(seed.text, language, (seed.doc_id,))
        if not linked or self._hops.links == 1.0:
            return ranking
        scores = dict(ranking)
        for cid, score in self._lexical.search(query, depth, _within(allowed, linked), language):
            scores[cid] = score * self._hops.links
        return sorted(scores.items(), key=lambda hit: hit[1], reverse=True)

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


def _within(allowed: dict[str, object] | None, doc_ids: list[str]) -> dict[str, object]:
    """`allowed` narrowed to `doc_ids` (those its own doc_id list, if any, also holds)."""
    narrowed: dict[str, object] = dict(allowed or {})
    previous = narrowed.get("doc_id")
    if isinstance(previous, list):
        doc_ids = [d for d in doc_ids if d in previous]
    narrowed["doc_id"] = doc_ids
    return narrowed


def _scored(
    chunk_ids: list[str],
    found: dict[str, tuple[RetrievedChunk, np.ndarray]],
    vector: np.ndarray,
    rank_scores: dict[str, float],
) -> list[RetrievedChunk]:
    """The chunks read, in order, scored by cosine to the question and carrying the score
    they were ranked by; ids deleted meanwhile are left out."""
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
