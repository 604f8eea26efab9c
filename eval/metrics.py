"""Score one question on every metric, and aggregate scores into point values.

Per-question scores are Ratios (see eval/ratio.py); the metrics themselves live in
retrieval_metrics, answer_metrics and citation_metrics. Definitions: eval/METRICS.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from eval.answer_metrics import answer_scores, length_scores
from eval.catalog import (
    EMPTY_DEFAULTS,
    ERROR_RATE,
    FALSE_REFUSAL_RATE,
    LATENCY_PERCENTILES,
    MEDIAN_METRICS,
    RATIO_METRICS,
    REFUSAL_PRECISION,
    REFUSAL_RECALL,
    REFUSAL_RECALL_OFF_TOPIC,
    REFUSAL_RECALL_ON_TOPIC,
)
from eval.citation_metrics import citation_scores
from eval.observation import Observation
from eval.questions import UNANSWERABLE_OFF_TOPIC, UNANSWERABLE_ON_TOPIC, Question
from eval.ratio import EXCLUDED, Ratio, Scores, flag
from eval.retrieval_metrics import retrieval_scores


def refusal_scores(question: Question, observation: Observation) -> dict[str, Ratio]:
    """Refusal precision (refused questions), recall (unanswerable ones), false-refusal rate.

    Recall is also split by category: refusing "what is the capital of Australia?" is easy,
    refusing a near miss about an entity the documents do discuss is the hard part.
    """
    refused, unanswerable = observation.refused, not question.answerable
    category = question.category
    return {
        REFUSAL_PRECISION: flag(unanswerable) if refused else EXCLUDED,
        REFUSAL_RECALL: flag(refused) if unanswerable else EXCLUDED,
        REFUSAL_RECALL_ON_TOPIC: flag(refused) if category == UNANSWERABLE_ON_TOPIC else EXCLUDED,
        REFUSAL_RECALL_OFF_TOPIC: flag(refused) if category == UNANSWERABLE_OFF_TOPIC else EXCLUDED,
        FALSE_REFUSAL_RATE: EXCLUDED if unanswerable else flag(refused),
    }


def score_question(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> dict[str, Ratio]:
    """All ratio metrics for one question. ``documents`` maps doc_id to canonical text."""
    return {
        **retrieval_scores(question, observation.retrieved_doc_ids, observation.retrieved_texts),
        **answer_scores(question, observation),
        **length_scores(question, observation),
        **citation_scores(question, observation, documents),
        **refusal_scores(question, observation),
        ERROR_RATE: flag(observation.error is not None),
    }


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (``pct`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio_value(metric: str, total: Ratio) -> float | None:
    """The aggregate value of summed ratios; the metric's default (or None) when undefined."""
    value = total.value
    return EMPTY_DEFAULTS.get(metric) if value is None else value


def aggregate(scores: Sequence[Scores], latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """Overall value of every metric; None when undefined (no question counts)."""
    result: dict[str, float | None] = {
        metric: ratio_value(metric, sum((s.get(metric, EXCLUDED) for s in scores), EXCLUDED))
        for metric in RATIO_METRICS
    }
    for metric in MEDIAN_METRICS:
        result[metric] = percentile(
            [r.num for s in scores if (r := s.get(metric, EXCLUDED)).den], 50.0
        )
    for metric, pct in LATENCY_PERCENTILES.items():
        result[metric] = percentile(latencies_ms, pct)
    return result
