"""The read path's core algorithms on small constructed inputs: no store, no embedder.

RRF fusion (`_fuse`), the live-version check (`chunk_version`, `DocState.is_live`,
`Retriever._live`), which hits may be kept (`_may_be_kept`), the near-duplicate
collapse (`_collapse`), and the second-hop round's seeds (`_seeds`) and fusion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import ClassVar

import numpy as np
import pytest

from citedqa.models import RetrievedChunk, chunk_version
from service.qa.catalog import DocState
from service.qa.retrieval import (
    Filters,
    Retriever,
    Search,
    SecondHop,
    _collapse,
    _may_be_kept,
    _seeds,
)
from service.qa.retrieval import _fuse as _fuse_scored

HASH_A = "aaaaaaaaaaaa" + "0" * 52
HASH_B = "bbbbbbbbbbbb" + "0" * 52


def cid(doc_id: str, content_hash: str = HASH_A, start: int = 0) -> str:
    return f"{doc_id}:{content_hash[:12]}:{start}-{start + 10}"


def chunk(doc_id: str, start: int = 0, vectors: list[list[float]] | None = None) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=cid(doc_id, start=start),
        doc_id=doc_id,
        doc_hash=HASH_A,
        title=doc_id,
        text="text",
        start=start,
        end=start + 10,
        score=0.5,
        sentence_vectors=None if vectors is None else np.array(vectors, dtype=np.float32),
    )


def states(**groups: str) -> dict[str, DocState]:
    """doc_id=group for each document, all at version HASH_A."""
    return {doc: DocState(HASH_A, group) for doc, group in groups.items()}


# --- reciprocal rank fusion ----------------------------------------------------------------


def _fuse(rankings: list[list[str]], weights: list[float], k: int) -> list[str]:
    """The fused order of rankings given as ids (each id scored by its rank)."""
    scored = [[(c, 1.0 / rank) for rank, c in enumerate(r, start=1)] for r in rankings]
    return [c for c, _ in _fuse_scored(scored, weights, k)]


def test_fuse_scores_are_rrf_and_one_ranking_keeps_its_own() -> None:
    fused = _fuse_scored([[("a", 0.9), ("b", 0.8)], [("b", 7.0)]], [1.0, 1.0], k=60)
    assert fused == [("b", pytest.approx(1 / 62 + 1 / 61)), ("a", pytest.approx(1 / 61))]
    assert _fuse_scored([[("a", 7.0), ("b", 3.5)]], [1.0], k=60) == [("a", 7.0), ("b", 3.5)]


def test_fuse_one_ranking_is_kept_as_is() -> None:
    assert _fuse([["c", "a", "b"]], [1.0], k=60) == ["c", "a", "b"]


def test_fuse_rewards_agreement_between_rankings() -> None:
    # Found by both searches beats first in one; ties in rank sum go to the better best rank.
    vector = ["a", "b", "c"]
    bm25 = ["c", "b", "d"]
    scores = {
        "a": 1 / 61,
        "b": 1 / 62 + 1 / 62,
        "c": 1 / 63 + 1 / 61,
        "d": 1 / 63,
    }
    assert _fuse([vector, bm25], [1.0, 1.0], k=60) == sorted(scores, key=lambda c: -scores[c])
    assert _fuse([vector, bm25], [1.0, 1.0], k=60) == ["c", "b", "a", "d"]


def test_fuse_weights_and_k_change_the_order() -> None:
    vector, bm25 = ["a", "b"], ["b", "a"]
    assert _fuse([vector, bm25], [1.0, 2.0], k=60)[0] == "b"  # BM25 outvotes
    assert _fuse([vector, bm25], [2.0, 1.0], k=60)[0] == "a"
    assert _fuse([vector, bm25], [1.0, 0.0], k=60) == ["a", "b"]  # BM25 weighed out
    # A small k makes the top rank count for more: "x" (1st once) beats "y" (4th twice).
    rankings = [["x", "p", "q", "y"], ["z", "r", "s", "y"]]
    assert _fuse(rankings, [1.0, 1.0], k=1)[:2] == ["x", "z"]  # 1/2 against 2/5
    assert _fuse(rankings, [1.0, 1.0], k=60)[0] == "y"  # 1/61 against 2/64


def test_fuse_keeps_every_candidate_once() -> None:
    fused = _fuse([["a", "b"], ["c", "a"], ["d"]], [1.0, 1.0, 1.0], k=60)
    assert sorted(fused) == ["a", "b", "c", "d"] and fused[0] == "a"


# --- the live-version check ----------------------------------------------------------------


def test_chunk_version_names_the_document_and_version() -> None:
    assert chunk_version("doc-1:aaaaaaaaaaaa:0-120") == ("doc-1", "aaaaaaaaaaaa")
    # A doc_id may itself hold colons (a URL): the version is the second field from the end.
    assert chunk_version("https://x.org/a:b:bbbbbbbbbbbb:5-9") == (
        "https://x.org/a:b",
        "bbbbbbbbbbbb",
    )


def test_doc_state_is_live_for_its_own_version_only() -> None:
    state = DocState(HASH_A, "doc")
    assert state.is_live(HASH_A[:12]) and state.is_live(HASH_A)
    assert not state.is_live(HASH_B[:12])


class FakeCatalog:
    def __init__(self, known: dict[str, DocState]) -> None:
        self.known = known
        self.asked: list[dict[str, set[str]]] = []

    def states(self, seen: Mapping[str, Iterable[str]]) -> dict[str, DocState]:
        self.asked.append({d: set(v) for d, v in seen.items()})
        return {d: s for d, s in self.known.items() if d in seen}


def retriever(catalog: FakeCatalog) -> Retriever:
    return Retriever(None, None, None, catalog, None)  # type: ignore[arg-type]


def test_live_drops_stale_versions_and_removed_documents() -> None:
    catalog = FakeCatalog({"a": DocState(HASH_A, "a"), "b": DocState(HASH_B, "b")})
    hits = [cid("a", HASH_A), cid("b", HASH_A), cid("gone"), cid("b", HASH_B, start=20)]
    live, found = retriever(catalog)._live(hits)
    assert live == [cid("a", HASH_A), cid("b", HASH_B, start=20)]  # order kept
    assert set(found) == {"a", "b"}
    # One question to the catalog, each document with every version its hits carry.
    assert catalog.asked == [
        {"a": {HASH_A[:12]}, "b": {HASH_A[:12], HASH_B[:12]}, "gone": {HASH_A[:12]}}
    ]


# --- which hits may be kept, and the near-duplicate collapse -------------------------------


def test_may_be_kept_is_the_top_k_plus_hits_with_a_near_duplicate() -> None:
    ids = [cid(d) for d in "abcdef"]
    alone = states(a="a", b="b", c="c", d="d", e="e", f="f")
    assert _may_be_kept(ids, alone, top_k=2) == ids[:2]
    # e and f duplicate each other: both may collapse, so two more places, and both read.
    twins = states(a="a", b="b", c="c", d="d", e="e", f="e")
    assert _may_be_kept(ids, twins, top_k=1) == [ids[0], ids[1], ids[2], ids[4], ids[5]]


# Sentence vectors of two passages: none of OTHER's sentences is near one of SAME's.
SAME = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
OTHER = [[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]]


def test_collapse_keeps_a_repeated_passage_once_and_credits_the_twin() -> None:
    chunks = [chunk("orig", vectors=SAME), chunk("copy", vectors=SAME), chunk("x", vectors=OTHER)]
    kept = _collapse(chunks, states(orig="orig", copy="orig", x="x"), top_k=5)
    assert [k.doc_id for k in kept] == ["orig", "x"]
    assert kept[0].also_reported_by == ("copy",)
    assert kept[1].also_reported_by == ()


@pytest.mark.parametrize(
    ("groups", "second"),
    [
        ({"orig": "orig", "copy": "copy"}, "copy"),  # not near-duplicate documents
        ({"orig": "orig", "copy": "orig"}, None),  # the same passage: collapsed
    ],
)
def test_collapse_needs_both_the_same_group_and_the_same_passage(
    groups: dict[str, str], second: str | None
) -> None:
    chunks = [chunk("orig", vectors=SAME), chunk("copy", vectors=SAME)]
    kept = _collapse(chunks, states(**groups), top_k=5)
    assert [k.doc_id for k in kept][1:2] == ([second] if second else [])


def test_collapse_leaves_different_passages_and_the_same_document_alone() -> None:
    differ = [chunk("orig", vectors=SAME), chunk("copy", vectors=OTHER)]
    assert len(_collapse(differ, states(orig="orig", copy="orig"), top_k=5)) == 2
    unknown = [chunk("orig"), chunk("copy")]  # no sentence vectors: never the same passage
    assert len(_collapse(unknown, states(orig="orig", copy="orig"), top_k=5)) == 2
    own = [chunk("orig", 0, SAME), chunk("orig", 40, SAME)]  # one document's two chunks
    assert len(_collapse(own, states(orig="orig"), top_k=5)) == 2


def test_collapse_stops_at_top_k_but_a_later_twin_still_credits() -> None:
    chunks = [
        chunk("orig", vectors=SAME),
        chunk("x", vectors=OTHER),
        chunk("y", vectors=OTHER),
        chunk("copy", vectors=SAME),
    ]
    kept = _collapse(chunks, states(orig="orig", x="x", y="y", copy="orig"), top_k=2)
    assert [k.doc_id for k in kept] == ["orig", "x"]
    assert kept[0].also_reported_by == ("copy",)


# --- the whole retrieve() with fakes ------------------------------------------------------


class Fakes:
    """Encoder, vector search, BM25 and chunk reader over a fixed table of chunks."""

    def __init__(self, vector_hits: list[str], bm25_hits: list[str], current: bool = True):
        self.vector_hits, self.bm25_hits, self.current = vector_hits, bm25_hits, current
        self.read: list[list[str]] = []
        self.searches: list[int] = []  # vectors a call
        self.reads: list[int] = []  # id lists a call

    def encode_many(self, questions: list[str]) -> list[np.ndarray]:
        return [np.array([1.0, 0.0], dtype=np.float32) for _ in questions]

    def nearest_many(
        self, asks: list[tuple[np.ndarray, int, object]]
    ) -> list[list[tuple[str, float]]]:
        self.searches.append(len(asks))
        return [[(c, 0.9 - i / 10) for i, c in enumerate(self.vector_hits[:k])] for _, k, _ in asks]

    def is_current(self) -> bool:
        return self.current

    def search(
        self, question: str, k: int, allowed: object, language: str = "en"
    ) -> list[tuple[str, float]]:
        return [(c, 9.0 - i) for i, c in enumerate(self.bm25_hits[:k])]

    def linked(self, text: str, language: str = "en", skip: tuple[str, ...] = ()) -> list[str]:
        return []

    def get_chunks_many(
        self, id_lists: list[list[str]]
    ) -> list[dict[str, tuple[RetrievedChunk, np.ndarray]]]:
        self.reads.append(len(id_lists))
        return [self.get_chunks(ids) for ids in id_lists]

    def get_chunks(self, ids: list[str]) -> dict[str, tuple[RetrievedChunk, np.ndarray]]:
        self.read.append(list(ids))
        vec = np.array([0.5, 0.5], dtype=np.float32)
        return {
            i: (chunk(chunk_version(i)[0], int(i.rsplit(":", 1)[1].split("-")[0])), vec)
            for i in ids
        }


@pytest.mark.parametrize(
    ("mode", "current", "first"),
    [("hybrid", True, "b"), ("vector", True, "a"), ("bm25", True, "b"), ("hybrid", False, "a")],
)
def test_retrieve_fuses_reads_only_what_may_be_kept_and_scores_by_cosine(
    mode: str, current: bool, first: str
) -> None:
    fakes = Fakes([cid("a"), cid("b"), cid("c")], [cid("b"), cid("d"), cid("a")], current)
    catalog = FakeCatalog(states(a="a", b="b", c="c", d="d"))
    no_hop = SecondHop(seeds=0)
    r = Retriever(fakes, fakes, fakes, catalog, fakes, hops=no_hop)  # type: ignore[arg-type]
    evidence = r.retrieve("q", top_k=2, mode=mode, filters=Filters())  # type: ignore[arg-type]
    assert evidence.chunks[0].doc_id == first and len(evidence.chunks) == 2
    assert fakes.read == [fakes.read[0]] and len(fakes.read[0]) == 2  # one read, top_k ids
    assert evidence.chunks[0].score == pytest.approx(0.5)  # cosine to the question
    # ... and ranked by: RRF when fused, the one search's own score otherwise.
    ranks = [c.rank_score for c in evidence.chunks]
    expected = {"hybrid": 1 / 62 + 1 / 61, "vector": 0.9, "bm25": 9.0}
    assert ranks[0] == pytest.approx(expected[mode if current else "vector"])
    assert ranks == sorted(ranks, reverse=True)  # type: ignore[type-var]


# --- the second hop -----------------------------------------------------------------------


def test_seeds_are_the_first_chunk_of_each_of_the_first_documents() -> None:
    ranking = [(cid("a"), 1.0), (cid("a", start=50), 0.9), (cid("b"), 0.8), (cid("c"), 0.7)]
    assert _seeds(ranking, 2) == [cid("a"), cid("b")]
    assert _seeds(ranking, 5) == [cid("a"), cid("b"), cid("c")]
    assert _seeds(ranking, 1) == [cid("a")]


class HopFakes(Fakes):
    """Chunk "a" names the bridge; BM25 finds "z" only when the question adds that name."""

    texts: ClassVar[dict[str, str]] = {
        "a": "The journal is published by the American Psychological Association."
    }

    def __init__(self) -> None:
        super().__init__([cid("a"), cid("b"), cid("c")], [cid("a"), cid("c")])
        self.queries: list[str] = []

    def search(
        self, question: str, k: int, allowed: object, language: str = "en"
    ) -> list[tuple[str, float]]:
        self.queries.append(question)
        if "Psychological" in question:
            return [(cid("z"), 12.0), (cid("a"), 11.0)]
        return super().search(question, k, allowed, language)

    def get_chunks(self, ids: list[str]) -> dict[str, tuple[RetrievedChunk, np.ndarray]]:
        found = super().get_chunks(ids)
        return {
            i: (replace(c, text=self.texts.get(c.doc_id, "plain words")), v)
            for i, (c, v) in found.items()
        }


@pytest.mark.parametrize(("seeds", "top"), [(0, "acb"), (2, "azc")])
def test_second_hop_places_the_passage_about_a_name_the_seed_adds_after_it(
    seeds: int, top: str
) -> None:
    fakes = HopFakes()
    catalog = FakeCatalog(states(a="a", b="b", c="c", z="z"))
    hops = SecondHop(seeds=seeds)
    r = Retriever(fakes, fakes, fakes, catalog, fakes, hops=hops)  # type: ignore[arg-type]
    question = "Who was the first president of the publisher of the journal?"
    evidence = r.retrieve(question, top_k=3, filters=Filters())
    assert "".join(c.doc_id for c in evidence.chunks) == top
    ranks = [c.rank_score for c in evidence.chunks]
    assert ranks == sorted(ranks, reverse=True)  # type: ignore[type-var]
    if seeds:  # seeds "a" and "c" (the first round's top two); only "a" adds a name
        assert fakes.queries[1:] == [
            "Who was the first president of the of the American Psychological Association"
        ]
        assert fakes.read[0] == [cid("a"), cid("c")]  # the seeds' texts, read first
    else:
        assert len(fakes.read) == 1


class LinkFakes(HopFakes):
    """As HopFakes, and seed "a" names document "y" by its title: BM25 ranks "y" below
    "z" for the bridge query, but "y" is linked."""

    def search(
        self, question: str, k: int, allowed: object, language: str = "en"
    ) -> list[tuple[str, float]]:
        hits = super().search(question, k, allowed, language)
        if "Psychological" in question:
            hits = [hits[0], (cid("y"), 5.0), *hits[1:]]
        if isinstance(allowed, dict) and "doc_id" in allowed:
            return [h for h in hits if chunk_version(h[0])[0] in allowed["doc_id"]]
        return hits

    def linked(self, text: str, language: str = "en", skip: tuple[str, ...] = ()) -> list[str]:
        return ["y"] if "American Psychological Association" in text else []


@pytest.mark.parametrize(("links", "top"), [(1.0, "azc"), (3.0, "ayc")])
def test_second_hop_ranks_a_document_the_seed_names_by_title_higher(links: float, top: str) -> None:
    fakes = LinkFakes()
    catalog = FakeCatalog(states(a="a", b="b", c="c", y="y", z="z"))
    hops = SecondHop(seeds=2, links=links)
    r = Retriever(fakes, fakes, fakes, catalog, fakes, hops=hops)  # type: ignore[arg-type]
    evidence = r.retrieve("Who was the first president of the publisher?", top_k=3)
    assert "".join(c.doc_id for c in evidence.chunks) == top


def test_second_hop_runs_in_hybrid_mode_only() -> None:
    fakes = HopFakes()
    catalog = FakeCatalog(states(a="a", b="b", c="c", z="z"))
    r = Retriever(fakes, fakes, fakes, catalog, fakes, hops=SecondHop(2))  # type: ignore[arg-type]
    for mode in ("vector", "bm25"):
        evidence = r.retrieve("q", top_k=3, mode=mode, filters=Filters())  # type: ignore[arg-type]
        assert "z" not in [c.doc_id for c in evidence.chunks]


def test_a_batch_of_searches_shares_one_vector_search_and_one_read_a_stage() -> None:
    fakes = HopFakes()
    catalog = FakeCatalog(states(a="a", b="b", c="c", z="z"))
    r = Retriever(fakes, fakes, fakes, catalog, fakes, hops=SecondHop(2))  # type: ignore[arg-type]
    question = "Who was the first president of the publisher of the journal?"
    searches = [Search(question, 3), Search("q", 2, "vector"), Search(question, 3)]
    batch = r.retrieve_many(searches)
    # One vector search for all three, one read of the seeds (of the two hybrid
    # searches), one of the kept chunks (of all three); and the same chunks as one by one.
    assert fakes.searches == [3] and fakes.reads == [2, 3]
    alone = [r.retrieve(s.question, s.top_k, s.mode) for s in searches]
    assert [e.chunks for e in batch] == [e.chunks for e in alone]
