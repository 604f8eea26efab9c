"""Retrieval metrics from the ranked doc_ids of /v1/retrieve: hit@1, hit@5, MRR@10, nDCG@10."""

from __future__ import annotations

import math
from collections.abc import Sequence

from eval.catalog import HIT_AT_1, HIT_AT_5, MRR_AT_10, NDCG_AT_10, RETRIEVAL_METRICS
from eval.questions import Question, matches_source
from eval.ratio import EXCLUDED, Ratio, flag, share

RETRIEVAL_DEPTH = 10
"""How many chunks the harness asks /v1/retrieve for: the cut-off of MRR and nDCG."""


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


def retrieval_scores(question: Question, doc_ids: Sequence[str]) -> dict[str, Ratio]:
    """hit@1, hit@5, MRR@10 and nDCG@10; only answerable questions with gold sources count."""
    if not (question.answerable and question.sources):
        return dict.fromkeys(RETRIEVAL_METRICS, EXCLUDED)
    rank = first_relevant_rank(doc_ids, question.sources)
    return {
        HIT_AT_1: flag(rank is not None and rank <= 1),
        HIT_AT_5: flag(rank is not None and rank <= 5),
        MRR_AT_10: share(1.0 / rank if rank else 0.0),
        NDCG_AT_10: share(ndcg(doc_ids, question.sources)),
    }
