"""Retrieval metrics from the ranked chunks of /v1/retrieve: hit@1, hit@5, MRR@10, nDCG@10,
every gold source in the top 5, and the answer in the top 5 (for multi-hop questions, where a
hit on the first passage is not yet the answer)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from eval.answer_metrics import facts_found
from eval.catalog import (
    ANSWER_AT_5,
    HIT_AT_1,
    HIT_AT_5,
    MRR_AT_10,
    NDCG_AT_10,
    RETRIEVAL_METRICS,
    SOURCES_AT_5,
)
from eval.questions import Question, matches_source
from eval.ratio import EXCLUDED, Ratio, flag, share

RETRIEVAL_DEPTH = 10
"""How many chunks the harness asks /v1/retrieve for: the cut-off of MRR and nDCG."""
TOP = 5
"""The cut-off of hit@5, every source at 5 and answer at 5."""


def first_relevant_rank(
    doc_ids: Sequence[str], sources: Sequence[str], k: int = RETRIEVAL_DEPTH
) -> int | None:
    """1-based rank of the first doc_id among the top ``k`` matching a gold source, else None."""
    for rank, doc_id in enumerate(doc_ids[:k], start=1):
        if matches_source(doc_id, sources):
            return rank
    return None


def gains(doc_ids: Sequence[str], sources: Sequence[str], k: int = RETRIEVAL_DEPTH) -> list[int]:
    """Gain per rank: 1 for the first chunk of each gold source, 0 otherwise (no double credit)."""
    seen: set[str] = set()
    result = []
    for doc_id in doc_ids[:k]:
        fresh = [s for s in sources if s not in seen and matches_source(doc_id, (s,))]
        seen.update(fresh)
        result.append(1 if fresh else 0)
    return result


def ndcg(doc_ids: Sequence[str], sources: Sequence[str], k: int = RETRIEVAL_DEPTH) -> float:
    """nDCG@k: DCG of ``gains`` over the DCG of all gold sources ranked first."""
    if not sources:
        raise ValueError("nDCG needs at least one gold source")
    dcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(gains(doc_ids, sources, k), 1))
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(sources), k) + 1))
    return dcg / ideal


def all_sources_within(doc_ids: Sequence[str], sources: Sequence[str], k: int = TOP) -> bool:
    """Whether every gold source has a chunk among the top ``k``."""
    return all(any(matches_source(d, (s,)) for d in doc_ids[:k]) for s in sources)


def answer_within(question: Question, texts: Sequence[str], k: int = TOP) -> bool:
    """Whether every key fact is in the text of the top ``k`` chunks (any of them)."""
    return all(facts_found(question.answers, "\n".join(texts[:k])))


def retrieval_scores(
    question: Question, doc_ids: Sequence[str], texts: Sequence[str] = ()
) -> dict[str, Ratio]:
    """Every retrieval metric; only answerable questions with gold sources count (answer at
    5 also needs key facts)."""
    if not (question.answerable and question.sources):
        return dict.fromkeys(RETRIEVAL_METRICS, EXCLUDED)
    rank = first_relevant_rank(doc_ids, question.sources)
    has_facts = bool(question.answers)
    return {
        HIT_AT_1: flag(rank is not None and rank <= 1),
        HIT_AT_5: flag(rank is not None and rank <= TOP),
        MRR_AT_10: share(1.0 / rank if rank else 0.0),
        NDCG_AT_10: share(ndcg(doc_ids, question.sources)),
        SOURCES_AT_5: flag(all_sources_within(doc_ids, question.sources)),
        ANSWER_AT_5: flag(answer_within(question, texts)) if has_facts else EXCLUDED,
    }
