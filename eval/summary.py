"""Score every question and aggregate overall and per category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.metrics import ANSWER_ACCURACY, Ratio, aggregate, citation_is_valid, score_question
from eval.observation import Observation
from eval.questions import Question


@dataclass(frozen=True)
class ScoredQuestion:
    """One question with what the service did and how it scored."""

    question: Question
    observation: Observation
    scores: Mapping[str, Ratio]
    citation_valid: tuple[bool, ...]

    def value(self, metric: str) -> float | None:
        """This question's value on ``metric``; None when it does not count."""
        ratio = self.scores.get(metric)
        return ratio.value if ratio else None

    @property
    def correct(self) -> bool | None:
        """Answer accuracy as a bool; None for questions it does not apply to."""
        value = self.value(ANSWER_ACCURACY)
        return None if value is None else value == 1.0


@dataclass(frozen=True)
class Summary:
    """Per-question results with overall and per-category metric values."""

    questions: list[ScoredQuestion]
    overall: dict[str, float | None]
    categories: dict[str, dict[str, float | None]]
    category_sizes: dict[str, int]


def summarize(
    questions: Sequence[Question],
    observations: Sequence[Observation],
    documents: Mapping[str, str | None],
) -> Summary:
    """Score each (question, observation) pair; ``documents`` maps doc_id to canonical text."""
    scored = [_score(q, o, documents) for q, o in zip(questions, observations, strict=True)]
    groups: dict[str, list[ScoredQuestion]] = {}
    for item in scored:
        groups.setdefault(item.question.category, []).append(item)
    return Summary(
        questions=scored,
        overall=_aggregate(scored),
        categories={name: _aggregate(items) for name, items in sorted(groups.items())},
        category_sizes={name: len(items) for name, items in sorted(groups.items())},
    )


def _score(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> ScoredQuestion:
    valid = (citation_is_valid(c, documents.get(c.doc_id)) for c in observation.citations)
    return ScoredQuestion(
        question=question,
        observation=observation,
        scores=score_question(question, observation, documents),
        citation_valid=tuple(valid),
    )


def _aggregate(items: Sequence[ScoredQuestion]) -> dict[str, float | None]:
    latencies = [i.observation.latency_ms for i in items if i.observation.latency_ms is not None]
    return aggregate([i.scores for i in items], latencies)
