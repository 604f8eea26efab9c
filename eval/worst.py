"""Which questions went worst: failed outcomes first, then the lowest question score."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from eval.catalog import (
    CITATION_PRECISION,
    CITATION_RECALL,
    CITATION_VALIDITY,
    ERROR_RATE,
    FALSE_REFUSAL_RATE,
    KEY_FACT_RECALL,
    NDCG_AT_10,
    REFUSAL_RECALL,
    TOKEN_F1,
    higher_is_better,
)
from eval.summary import ScoredQuestion

QUALITY_METRICS: tuple[str, ...] = (
    NDCG_AT_10,
    KEY_FACT_RECALL,
    TOKEN_F1,
    CITATION_VALIDITY,
    CITATION_PRECISION,
    CITATION_RECALL,
    REFUSAL_RECALL,
    FALSE_REFUSAL_RATE,
    ERROR_RATE,
)
"""The metrics averaged into a question score (lower-is-better ones as 1 - value)."""

WORST_COUNT = 10


def failed(item: ScoredQuestion) -> bool:
    """A request failed, a citation is invalid, or the answer/refusal is wrong."""
    observation = item.observation
    if observation.error or not all(item.citation_valid):
        return True
    if item.question.answerable:
        return item.correct is not True
    return not observation.refused


def question_score(item: ScoredQuestion) -> float:
    """Mean of the question's defined QUALITY_METRICS values, 0 when a request failed."""
    if item.observation.error:
        return 0.0
    values = [
        value if higher_is_better(metric) else 1.0 - value
        for metric in QUALITY_METRICS
        if (value := item.value(metric)) is not None
    ]
    return fmean(values) if values else 0.0


def worst(items: Sequence[ScoredQuestion], count: int = WORST_COUNT) -> list[ScoredQuestion]:
    """The ``count`` worst questions: failed ones first, then by ascending question score."""
    ranked = sorted(items, key=lambda i: (not failed(i), question_score(i), i.question.id))
    return ranked[:count]
