"""Pure metric functions: score one question, then aggregate scores over many.

Every per-question score is a Ratio (numerator, denominator). A denominator of 0 means the
question does not count for that metric; aggregating sums numerators and denominators, which
gives a plain mean for 0/1-per-question metrics and a per-citation fraction for citation metrics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.observation import Citation, Observation
from eval.questions import KeyFact, Question, matches_source
from eval.textnorm import contains_phrase, strip_markers

RETRIEVAL_K = 5

HIT_AT_5 = "hit_at_5"
MRR_AT_5 = "mrr_at_5"
ANSWER_ACCURACY = "answer_accuracy"
KEY_FACT_RECALL = "key_fact_recall"
CITATION_VALIDITY = "citation_validity"
CITATION_PRECISION = "citation_precision"
REFUSAL_ACCURACY = "refusal_accuracy"
FALSE_REFUSAL_RATE = "false_refusal_rate"
ERROR_RATE = "error_rate"
LATENCY_P50 = "latency_p50_ms"
LATENCY_P95 = "latency_p95_ms"

METRIC_LABELS: dict[str, str] = {
    HIT_AT_5: "retrieval hit@5",
    MRR_AT_5: "retrieval MRR@5",
    ANSWER_ACCURACY: "answer accuracy",
    KEY_FACT_RECALL: "key-fact recall",
    CITATION_VALIDITY: "citation validity",
    CITATION_PRECISION: "citation precision",
    REFUSAL_ACCURACY: "refusal accuracy",
    FALSE_REFUSAL_RATE: "false-refusal rate",
    ERROR_RATE: "request error rate",
    LATENCY_P50: "query latency p50 (ms)",
    LATENCY_P95: "query latency p95 (ms)",
}
"""All reported metrics, in display order."""

METRIC_SHORT_LABELS: dict[str, str] = {
    HIT_AT_5: "hit@5",
    MRR_AT_5: "MRR@5",
    ANSWER_ACCURACY: "accuracy",
    KEY_FACT_RECALL: "recall",
    CITATION_VALIDITY: "cit. valid",
    CITATION_PRECISION: "cit. prec.",
    REFUSAL_ACCURACY: "refusal acc.",
    FALSE_REFUSAL_RATE: "false refusal",
    ERROR_RATE: "errors",
    LATENCY_P50: "p50 ms",
    LATENCY_P95: "p95 ms",
}
"""Column headings for wide tables."""

LATENCY_METRICS: tuple[str, ...] = (LATENCY_P50, LATENCY_P95)
RATIO_METRICS: tuple[str, ...] = tuple(m for m in METRIC_LABELS if m not in LATENCY_METRICS)

# Aggregate value when no question counts: no citations at all means none is invalid.
_EMPTY_DEFAULTS: dict[str, float] = {CITATION_VALIDITY: 1.0}


@dataclass(frozen=True)
class Ratio:
    """A numerator over a denominator; ``value`` is None when the denominator is 0."""

    num: float
    den: float

    @property
    def value(self) -> float | None:
        """The fraction, or None when undefined."""
        return self.num / self.den if self.den else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.num + other.num, self.den + other.den)


EXCLUDED = Ratio(0.0, 0.0)
"""The score of a question that does not count for a metric."""

Scores = Mapping[str, Ratio]


def flag(ok: bool) -> Ratio:
    """1/1 when ``ok``, else 0/1."""
    return Ratio(1.0 if ok else 0.0, 1.0)


def first_relevant_rank(
    doc_ids: Sequence[str], sources: Sequence[str], k: int = RETRIEVAL_K
) -> int | None:
    """1-based rank of the first doc_id among the top ``k`` matching a gold source, else None."""
    for rank, doc_id in enumerate(doc_ids[:k], start=1):
        if matches_source(doc_id, sources):
            return rank
    return None


def retrieval_scores(question: Question, retrieved_doc_ids: Sequence[str]) -> dict[str, Ratio]:
    """hit@5 and MRR@5; only answerable questions with gold sources count."""
    if not (question.answerable and question.sources):
        return {HIT_AT_5: EXCLUDED, MRR_AT_5: EXCLUDED}
    rank = first_relevant_rank(retrieved_doc_ids, question.sources)
    return {HIT_AT_5: flag(rank is not None), MRR_AT_5: Ratio(1.0 / rank if rank else 0.0, 1.0)}


def facts_found(facts: Sequence[KeyFact], answer: str) -> list[bool]:
    """For each key fact, whether some alternative appears (word-bounded) in the answer."""
    text = strip_markers(answer)
    return [any(contains_phrase(text, alt) for alt in fact) for fact in facts]


def answer_scores(question: Question, observation: Observation) -> dict[str, Ratio]:
    """Key-fact accuracy (all facts present) and recall; a refused answer finds nothing."""
    if not (question.answerable and question.answers):
        return {ANSWER_ACCURACY: EXCLUDED, KEY_FACT_RECALL: EXCLUDED}
    found = facts_found(question.answers, "" if observation.refused else observation.answer)
    return {
        ANSWER_ACCURACY: flag(all(found)),
        KEY_FACT_RECALL: Ratio(sum(found) / len(found), 1.0),
    }


def citation_is_valid(citation: Citation, text: str | None) -> bool:
    """True when the quote is non-empty and equals ``text[start:end]``."""
    if text is None or not 0 <= citation.start < citation.end <= len(text):
        return False
    return text[citation.start : citation.end] == citation.quote


def citation_scores(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> dict[str, Ratio]:
    """Validity over all citations; precision over citations of answerable, sourced questions."""
    citations = observation.citations
    valid = sum(citation_is_valid(c, documents.get(c.doc_id)) for c in citations)
    precision = EXCLUDED
    if question.answerable and question.sources:
        relevant = sum(matches_source(c.doc_id, question.sources) for c in citations)
        precision = Ratio(relevant, len(citations))
    return {CITATION_VALIDITY: Ratio(valid, len(citations)), CITATION_PRECISION: precision}


def refusal_scores(question: Question, observation: Observation) -> dict[str, Ratio]:
    """Refusal accuracy (unanswerable questions) and false-refusal rate (answerable ones)."""
    if question.answerable:
        return {REFUSAL_ACCURACY: EXCLUDED, FALSE_REFUSAL_RATE: flag(observation.refused)}
    return {REFUSAL_ACCURACY: flag(observation.refused), FALSE_REFUSAL_RATE: EXCLUDED}


def score_question(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> dict[str, Ratio]:
    """All ratio metrics for one question. ``documents`` maps doc_id to canonical text."""
    return {
        **retrieval_scores(question, observation.retrieved_doc_ids),
        **answer_scores(question, observation),
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


def aggregate(scores: Sequence[Scores], latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """Overall value of every metric; None when undefined (no question counts)."""
    result: dict[str, float | None] = {}
    for metric in RATIO_METRICS:
        total = sum((s.get(metric, EXCLUDED) for s in scores), EXCLUDED)
        value = total.value
        result[metric] = _EMPTY_DEFAULTS.get(metric) if value is None else value
    result[LATENCY_P50] = percentile(latencies_ms, 50)
    result[LATENCY_P95] = percentile(latencies_ms, 95)
    return result
