"""Score every question and aggregate overall and per category, with bootstrap intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eval.bootstrap import Estimate, estimates
from eval.catalog import ANSWER_ACCURACY
from eval.citation_metrics import support, validity
from eval.formats import group_by_format
from eval.metrics import score_question
from eval.observation import Observation
from eval.questions import Question
from eval.ratio import EXCLUDED, Ratio


@dataclass(frozen=True)
class ScoredQuestion:
    """One question with what the service did and how it scored."""

    question: Question
    observation: Observation
    scores: Mapping[str, Ratio]
    citation_valid: tuple[bool, ...]
    citation_supporting: tuple[bool, ...]

    def value(self, metric: str) -> float | None:
        """This question's value on ``metric``; None when it does not count."""
        return self.scores.get(metric, EXCLUDED).value

    @property
    def correct(self) -> bool | None:
        """Answer accuracy as a bool; None for questions it does not apply to."""
        value = self.value(ANSWER_ACCURACY)
        return None if value is None else value == 1.0


@dataclass(frozen=True)
class Summary:
    """Per-question results with overall and per-category metric estimates."""

    questions: list[ScoredQuestion]
    overall: dict[str, Estimate]
    categories: dict[str, dict[str, Estimate]]
    category_sizes: dict[str, int]
    # Per source format (eval/formats.py), only when the questions' sources mix formats.
    formats: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    format_sizes: dict[str, int] = field(default_factory=dict)

    def value(self, metric: str) -> float | None:
        """The overall point value of ``metric``."""
        estimate = self.overall.get(metric)
        return estimate.value if estimate else None


def summarize(
    questions: Sequence[Question],
    observations: Sequence[Observation],
    documents: Mapping[str, str | None],
    formats: Mapping[str, str] | None = None,
) -> Summary:
    """Score each (question, observation) pair; ``documents`` maps doc_id to canonical text.

    ``formats`` (doc_id → file format of the corpus) adds the per-format estimates.
    """
    scored = [score(q, o, documents) for q, o in zip(questions, observations, strict=True)]
    groups: dict[str, list[ScoredQuestion]] = {}
    for item in scored:
        groups.setdefault(item.question.category, []).append(item)
    by_format = group_by_format(questions, formats or {})
    return Summary(
        questions=scored,
        overall=estimate(scored),
        categories={name: estimate(items) for name, items in sorted(groups.items())},
        category_sizes={name: len(items) for name, items in sorted(groups.items())},
        formats={kind: estimate([scored[i] for i in ix]) for kind, ix in by_format.items()},
        format_sizes={kind: len(ix) for kind, ix in by_format.items()},
    )


def score(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> ScoredQuestion:
    """One question's scores plus per-citation validity and support."""
    valid = validity(observation.citations, documents)
    supporting = support(question.answers, observation.citations, valid)
    return ScoredQuestion(
        question=question,
        observation=observation,
        scores=score_question(question, observation, documents),
        citation_valid=tuple(valid),
        citation_supporting=tuple(any(row) for row in supporting),
    )


def estimate(items: Sequence[ScoredQuestion]) -> dict[str, Estimate]:
    """Point values and bootstrap intervals of every metric over ``items``."""
    return estimates([i.scores for i in items], [i.observation.latency_ms for i in items])
