"""report.json and report.md: overall, per-category and per-question results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eval.formatting import fmt_value, markdown_table
from eval.gate import GateFailure, Thresholds, format_failures
from eval.metrics import METRIC_LABELS
from eval.questions import matches_source
from eval.summary import ScoredQuestion, Summary

_SHORT_LABELS: dict[str, str] = {
    "hit_at_5": "hit@5",
    "mrr_at_5": "MRR@5",
    "answer_accuracy": "accuracy",
    "key_fact_recall": "recall",
    "citation_validity": "cit. valid",
    "citation_precision": "cit. prec.",
    "refusal_accuracy": "refusal acc.",
    "false_refusal_rate": "false refusal",
    "error_rate": "errors",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
}


def overall_table(summary: Summary, thresholds: Thresholds, failures: list[GateFailure]) -> str:
    """Markdown table: metric, value, threshold and pass/FAIL for gated metrics."""
    failed = {f.metric for f in failures}
    rows = []
    for metric, label in METRIC_LABELS.items():
        gate = thresholds.describe(metric)
        status = ("FAIL" if metric in failed else "pass") if gate else ""
        rows.append([label, fmt_value(metric, summary.overall[metric]), gate, status])
    return markdown_table(["metric", "value", "threshold", "status"], rows)


def category_table(summary: Summary) -> str:
    """Markdown table: one row per category, one column per metric."""
    rows = [
        [name, str(summary.category_sizes[name])] + [fmt_value(m, values[m]) for m in METRIC_LABELS]
        for name, values in summary.categories.items()
    ]
    return markdown_table(["category", "n", *(_SHORT_LABELS[m] for m in METRIC_LABELS)], rows)


def report_markdown(
    summary: Summary,
    thresholds: Thresholds,
    failures: list[GateFailure],
    config: Mapping[str, Any],
) -> str:
    """The full Markdown report."""
    settings = "\n".join(f"- {key}: `{value}`" for key, value in config.items())
    wrong = [q for q in summary.questions if q.correct is False]
    wrong_lines = (
        "\n".join(f"- `{q.question.id}` ({_verdict(q)}): {q.question.question}" for q in wrong)
        or "none"
    )
    gate = "PASS" if not failures else f"FAIL\n\n```\n{format_failures(failures)}\n```"
    return (
        "\n\n".join(
            [
                "# citedqa eval report",
                settings,
                "## Overall",
                overall_table(summary, thresholds, failures),
                "## Per category",
                category_table(summary),
                f"## Gate: {gate}",
                "## Incorrect answers",
                wrong_lines,
            ]
        )
        + "\n"
    )


def _verdict(item: ScoredQuestion) -> str:
    if item.observation.error:
        return "error"
    return "refused" if item.observation.refused else "missing key facts"


def report_json(
    summary: Summary,
    thresholds: Thresholds,
    failures: list[GateFailure],
    config: Mapping[str, Any],
) -> dict[str, Any]:
    """The full machine-readable report."""
    return {
        "config": dict(config),
        "overall": summary.overall,
        "categories": {
            name: {"questions": summary.category_sizes[name], **values}
            for name, values in summary.categories.items()
        },
        "gate": {
            "passed": not failures,
            "thresholds": {"min": thresholds.minimum, "max": thresholds.maximum},
            "failures": [
                {
                    "metric": f.metric,
                    "value": f.value,
                    "threshold": f.threshold,
                    "bound": f.bound,
                    "miss": f.miss,
                    "questions": [o.question.id for o in f.offenders],
                }
                for f in failures
            ],
        },
        "questions": [question_json(item) for item in summary.questions],
    }


def question_json(item: ScoredQuestion) -> dict[str, Any]:
    """One question's inputs, the service's behaviour and its metric values."""
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
        "latency_ms": o.latency_ms,
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


def write_reports(
    out_dir: Path,
    summary: Summary,
    thresholds: Thresholds,
    failures: list[GateFailure],
    config: Mapping[str, Any],
) -> tuple[Path, Path]:
    """Write report.json and report.md into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    payload = report_json(summary, thresholds, failures, config)
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(report_markdown(summary, thresholds, failures, config), "utf-8")
    return json_path, md_path
