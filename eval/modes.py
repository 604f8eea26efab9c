"""Retrieval comparison: retrieval metrics per ``retrieval`` mode of /v1/retrieve.

The service may accept ``"retrieval": "hybrid" | "vector" | "bm25"`` in the request body. Each
mode is probed once; a mode answered with 422 (an older service) is skipped with a note. The
gated metrics never come from here: they use requests without the field (the default mode).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from citedqa.client import Client
from citedqa.errors import CitedQAError, ServiceError
from eval.bootstrap import Estimate, estimates
from eval.catalog import RETRIEVAL_METRICS
from eval.questions import Question
from eval.retrieval_metrics import RETRIEVAL_DEPTH, retrieval_scores

log = logging.getLogger(__name__)

MODES: tuple[str, ...] = ("hybrid", "vector", "bm25")


@dataclass(frozen=True)
class ModeResult:
    """Retrieval metrics of one mode and how many of its requests failed."""

    metrics: dict[str, Estimate]
    errors: int


@dataclass(frozen=True)
class RetrievalComparison:
    """Results by mode, and why any mode is missing ("" when none is)."""

    modes: dict[str, ModeResult]
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """Plain-dict form for the report."""
        return {
            "note": self.note,
            "modes": {
                mode: {
                    "errors": result.errors,
                    **{m: e.to_json() for m, e in result.metrics.items()},
                }
                for mode, result in self.modes.items()
            },
        }


def compare_modes(
    client: Client,
    pool: Executor,
    questions: Sequence[Question],
    modes: Sequence[str] = MODES,
) -> RetrievalComparison:
    """Probe each mode once, then score retrieval with every accepted mode."""
    sourced = [q for q in questions if q.answerable and q.sources]
    if not (modes and sourced):
        return RetrievalComparison({}, "skipped: no mode or no question with gold sources")
    accepted, notes = [], []
    for mode in modes:
        problem = probe(client, sourced[0].question, mode)
        if problem:
            notes.append(f"{mode}: {problem}")
        else:
            accepted.append(mode)
    results = {mode: _run_mode(client, pool, sourced, mode) for mode in accepted}
    note = "; ".join(notes)
    if not accepted:
        note = f"skipped: the service does not accept the `retrieval` field ({note})"
    return RetrievalComparison(results, note)


def probe(client: Client, question: str, mode: str) -> str:
    """The empty string when the service accepts ``mode``, else a short reason."""
    try:
        ranked_chunks(client, question, 1, mode)
    except CitedQAError as exc:
        if isinstance(exc, ServiceError) and exc.status == 422:
            return "not accepted (422)"
        return f"probe failed ({exc.message})"
    return ""


def ranked_chunks(
    client: Client, question: str, top_k: int, mode: str | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The doc_ids and texts of /v1/retrieve's chunks, best first (``mode`` None: the
    service's default)."""
    chunks = client.retrieve(question, top_k=top_k, retrieval=mode)
    return tuple(c.doc_id for c in chunks), tuple(c.text for c in chunks)


def _run_mode(
    client: Client, pool: Executor, questions: Sequence[Question], mode: str
) -> ModeResult:
    def ranked(question: Question) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        try:
            return ranked_chunks(client, question.question, RETRIEVAL_DEPTH, mode)
        except CitedQAError as exc:
            log.warning("question %s, retrieval %s: %s", question.id, mode, exc.message)
            return None

    rankings = list(pool.map(ranked, questions))
    scores = [
        retrieval_scores(q, *(r or ((), ()))) for q, r in zip(questions, rankings, strict=True)
    ]
    values = estimates(scores, [None] * len(scores))
    metrics = {m: values[m] for m in RETRIEVAL_METRICS}
    return ModeResult(metrics, errors=sum(r is None for r in rankings))
