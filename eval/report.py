"""The report files: report.json, report.md and the per-category plot."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.catalog import REPORT_SCHEMA
from eval.compare import Comparison
from eval.gate import GateFailure, Thresholds
from eval.markdown import render
from eval.modes import RetrievalComparison
from eval.plot import PLOT_NAME, plot_categories
from eval.questions import matches_source
from eval.summary import ScoredQuestion, Summary
from eval.worst import failed, question_score, worst

REPORT_FILES = ("report.json", "report.md", PLOT_NAME)
"""Every file ``Report.write`` produces, in that order."""


@dataclass(frozen=True)
class Report:
    """An evaluation's results, its gate verdict and the settings that produced it."""

    summary: Summary
    retrieval: RetrievalComparison
    thresholds: Thresholds
    failures: list[GateFailure]
    config: Mapping[str, Any]
    comparison: Comparison | None = None
    gated: bool = True
    """False when no thresholds applied: the run is reported, and passes nothing."""

    @property
    def passed(self) -> bool:
        """True when every gated metric met its threshold (always, when not gated)."""
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        """The full machine-readable report."""
        summary = self.summary
        return {
            "schema": REPORT_SCHEMA,
            "config": dict(self.config),
            "overall": {m: e.to_json() for m, e in summary.overall.items()},
            "categories": {
                name: {
                    "questions": summary.category_sizes[name],
                    **{m: e.to_json() for m, e in values.items()},
                }
                for name, values in summary.categories.items()
            },
            "formats": {
                name: {
                    "questions": summary.format_sizes[name],
                    **{m: e.to_json() for m, e in values.items()},
                }
                for name, values in summary.formats.items()
            },
            "gate": {
                "gated": self.gated,
                "passed": self.passed if self.gated else None,
                "thresholds": {"min": self.thresholds.minimum, "max": self.thresholds.maximum},
                "failures": [failure_json(f) for f in self.failures],
            },
            "retrieval_comparison": self.retrieval.to_json(),
            "comparison": self.comparison.to_json() if self.comparison else None,
            "worst": [item.question.id for item in worst(summary.questions)],
            "questions": [question_json(item) for item in summary.questions],
        }

    def write(self, out_dir: Path) -> list[Path]:
        """Write REPORT_FILES into ``out_dir`` (the chart only with matplotlib); return the
        paths written."""
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path, md_path, png_path = (out_dir / name for name in REPORT_FILES)
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        json_path.write_text(text, encoding="utf-8")
        png_path.unlink(missing_ok=True)  # never an earlier run's chart beside this report
        chart = plot_categories(self.summary.categories, self.summary.category_sizes, png_path)
        md_path.write_text(render(self, chart=chart is not None), encoding="utf-8")
        return [json_path, md_path, *([png_path] if chart else [])]


def question_json(item: ScoredQuestion) -> dict[str, Any]:
    """One question's gold data, the service's behaviour and its metric values."""
    q, o = item.question, item.observation
    flags = zip(o.citations, item.citation_valid, item.citation_supporting, strict=True)
    return {
        "id": q.id,
        "category": q.category,
        "question": q.question,
        "answerable": q.answerable,
        "gold_answers": [list(fact) for fact in q.answers],
        "gold_sources": list(q.sources),
        "answer": o.answer,
        "refused": o.refused,
        "correct": item.correct,
        "failed": failed(item),
        "question_score": round(question_score(item), 4),
        "error": o.error,
        "latency_ms": None if o.latency_ms is None else round(o.latency_ms, 1),
        "retrieved_doc_ids": list(o.retrieved_doc_ids),
        "citations": [
            {
                **c.to_json(),
                "valid": valid,
                "supporting": supporting,
                "gold_source": matches_source(c.doc_id, q.sources) if q.sources else None,
            }
            for c, valid, supporting in flags
        ],
        "metrics": {m: r.value for m, r in item.scores.items() if r.den},
        "scores": {m: [r.num, r.den] for m, r in item.scores.items() if r.den},
    }


def failure_json(failure: GateFailure) -> dict[str, Any]:
    """A gate failure with every offending question id, costliest first."""
    return {
        "metric": failure.metric,
        "value": failure.value,
        "threshold": failure.threshold,
        "bound": failure.bound,
        "miss": failure.miss,
        "questions": [o.question.id for o in failure.offenders],
    }
