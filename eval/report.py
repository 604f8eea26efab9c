"""report.json and report.md: overall, per-category and per-question results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.formatting import fmt_value, markdown_table
from eval.gate import GateFailure, Thresholds, format_failures
from eval.metrics import METRIC_LABELS, METRIC_SHORT_LABELS
from eval.questions import matches_source
from eval.summary import ScoredQuestion, Summary


@dataclass(frozen=True)
class Report:
    """An evaluation's results, its gate verdict and the settings that produced it."""

    summary: Summary
    thresholds: Thresholds
    failures: list[GateFailure]
    config: Mapping[str, Any]

    @property
    def passed(self) -> bool:
        """True when every gated metric met its threshold."""
        return not self.failures

    def overall_table(self) -> str:
        """Markdown table: metric, value, threshold and pass/FAIL for gated metrics."""
        failed = {f.metric for f in self.failures}
        rows = []
        for metric, label in METRIC_LABELS.items():
            gate = self.thresholds.describe(metric)
            status = ("FAIL" if metric in failed else "pass") if gate else ""
            rows.append([label, fmt_value(metric, self.summary.overall[metric]), gate, status])
        return markdown_table(["metric", "value", "threshold", "status"], rows)

    def category_table(self) -> str:
        """Markdown table: one row per category, one column per metric."""
        summary = self.summary
        rows = [
            [name, str(summary.category_sizes[name])]
            + [fmt_value(m, values[m]) for m in METRIC_LABELS]
            for name, values in summary.categories.items()
        ]
        headers = ["category", "n", *(METRIC_SHORT_LABELS[m] for m in METRIC_LABELS)]
        return markdown_table(headers, rows)

    def to_markdown(self) -> str:
        """The full Markdown report."""
        settings = "\n".join(f"- {key}: `{value}`" for key, value in self.config.items())
        wrong = [q for q in self.summary.questions if q.correct is False]
        wrong_lines = [f"- `{q.question.id}` ({_verdict(q)}): {q.question.question}" for q in wrong]
        gate = f"FAIL\n\n```\n{format_failures(self.failures)}\n```" if self.failures else "PASS"
        sections = [
            "# citedqa eval report",
            settings,
            "## Overall",
            self.overall_table(),
            "## Per category",
            self.category_table(),
            f"## Gate: {gate}",
            "## Incorrect answers",
            "\n".join(wrong_lines) or "none",
        ]
        return "\n\n".join(sections) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The full machine-readable report."""
        summary = self.summary
        return {
            "config": dict(self.config),
            "overall": summary.overall,
            "categories": {
                name: {"questions": summary.category_sizes[name], **values}
                for name, values in summary.categories.items()
            },
            "gate": {
                "passed": self.passed,
                "thresholds": {"min": self.thresholds.minimum, "max": self.thresholds.maximum},
                "failures": [_failure_json(f) for f in self.failures],
            },
            "questions": [question_json(item) for item in summary.questions],
        }

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        """Write report.json and report.md into ``out_dir``; return their paths."""
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path, md_path = out_dir / "report.json", out_dir / "report.md"
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        json_path.write_text(text, encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, md_path


def question_json(item: ScoredQuestion) -> dict[str, Any]:
    """One question's gold data, the service's behaviour and its metric values."""
    q, o = item.question, item.observation
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
        "error": o.error,
        "latency_ms": None if o.latency_ms is None else round(o.latency_ms, 1),
        "retrieved_doc_ids": list(o.retrieved_doc_ids),
        "citations": [
            {
                **c.to_json(),
                "valid": valid,
                "relevant": matches_source(c.doc_id, q.sources) if q.sources else None,
            }
            for c, valid in zip(o.citations, item.citation_valid, strict=True)
        ],
        "metrics": {metric: ratio.value for metric, ratio in item.scores.items()},
    }


def _failure_json(failure: GateFailure) -> dict[str, Any]:
    return {
        "metric": failure.metric,
        "value": failure.value,
        "threshold": failure.threshold,
        "bound": failure.bound,
        "miss": failure.miss,
        "questions": [o.question.id for o in failure.offenders],
    }


def _verdict(item: ScoredQuestion) -> str:
    if item.observation.error:
        return "error"
    return "refused" if item.observation.refused else "missing key facts"
