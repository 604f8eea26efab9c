"""report.md: gate verdict, overall and per-category tables, retrieval comparison, worst 10."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eval.bootstrap import Estimate
from eval.catalog import LATENCY_P95, LATENCY_P99, METRICS, RETRIEVAL_METRICS, label, short_label
from eval.compare import format_comparison
from eval.formatting import fmt_interval, fmt_value, markdown_table
from eval.gate import format_failures
from eval.plot import PLOT_NAME
from eval.questions import matches_source
from eval.retrieval_metrics import RETRIEVAL_DEPTH
from eval.summary import ScoredQuestion
from eval.worst import failed, question_score, worst

if TYPE_CHECKING:
    from eval.report import Report

CATEGORY_METRICS = tuple(m for m in METRICS if m not in (LATENCY_P95, LATENCY_P99))
SHOWN_RETRIEVED = 5
ANSWER_CHARS = 400


def overall_table(report: Report) -> str:
    """Metric, value, 95% CI, n, threshold and pass/FAIL for gated metrics."""
    failed_metrics = {f.metric for f in report.failures}
    rows = []
    for metric, estimate in report.summary.overall.items():
        gate = report.thresholds.describe(metric)
        status = ("FAIL" if metric in failed_metrics else "pass") if gate else ""
        rows.append([label(metric), *_estimate_cells(metric, estimate), gate, status])
    return markdown_table(["metric", "value", "95% CI", "n", "threshold", "status"], rows)


def category_table(report: Report) -> str:
    """One row per category, one column per metric (point values)."""
    summary = report.summary
    return group_table("category", summary.categories, summary.category_sizes)


def group_table(kind: str, groups: dict[str, dict[str, Estimate]], sizes: dict[str, int]) -> str:
    """One row per group (category, format), one column per metric (point values)."""
    rows = [
        [name, str(sizes[name])] + [fmt_value(m, values[m].value) for m in CATEGORY_METRICS]
        for name, values in groups.items()
    ]
    return markdown_table([kind, "n", *map(short_label, CATEGORY_METRICS)], rows)


def retrieval_section(report: Report) -> str:
    """Retrieval metrics per ``retrieval`` mode, or why there are none."""
    comparison = report.retrieval
    overall = report.summary.overall
    rows = [["default (gated)", *(_with_interval(m, overall[m]) for m in RETRIEVAL_METRICS), ""]]
    for mode, result in comparison.modes.items():
        cells = [_with_interval(m, result.metrics[m]) for m in RETRIEVAL_METRICS]
        rows.append([mode, *cells, str(result.errors)])
    headers = ["mode", *map(short_label, RETRIEVAL_METRICS), "errors"]
    parts = [markdown_table(headers, rows)]
    if comparison.note:
        parts.append(f"Note: {comparison.note}.")
    return "\n\n".join(parts)


def worst_section(report: Report) -> str:
    """The worst questions with what was retrieved, answered and cited."""
    items = worst(report.summary.questions)
    return "\n\n".join(_worst_entry(rank, item) for rank, item in enumerate(items, 1)) or "none"


def render(report: Report, chart: bool = True) -> str:
    """The full Markdown report (`chart`: with the per-category chart beside it)."""
    settings = "\n".join(f"- {key}: `{value}`" for key, value in report.config.items())
    gate = "PASS" if report.gated else "not gated (no thresholds given: reported only)"
    if report.failures:
        gate = f"FAIL\n\n```\n{format_failures(report.failures)}\n```"
    failures = [f"`{i.question.id}`" for i in report.summary.questions if failed(i)]
    sections = [
        "# citedqa eval report",
        settings,
        f"## Gate: {gate}",
        "## Overall",
        overall_table(report),
        "Metric definitions: `eval/METRICS.md`. Intervals: 95% bootstrap over questions.",
        "## Per category",
        category_table(report),
        *([f"![metrics per category]({PLOT_NAME})"] if chart else []),
        *(
            [
                "## Per format",
                group_table("format", report.summary.formats, report.summary.format_sizes),
            ]
            if report.summary.formats
            else []
        ),
        "## Retrieval comparison",
        retrieval_section(report),
    ]
    if report.comparison:
        sections += ["## Compared with a previous run", format_comparison(report.comparison)]
    sections += [
        "## Worst 10 questions",
        worst_section(report),
        f"## All failed questions ({len(failures)})",
        ", ".join(failures) or "none",
    ]
    return "\n\n".join(sections) + "\n"


def _estimate_cells(metric: str, estimate: Estimate) -> list[str]:
    value = fmt_value(metric, estimate.value)
    return [value, fmt_interval(metric, estimate.low, estimate.high), str(estimate.n)]


def _with_interval(metric: str, estimate: Estimate) -> str:
    value, interval, _ = _estimate_cells(metric, estimate)
    return f"{value} {interval}"


def _worst_entry(rank: int, item: ScoredQuestion) -> str:
    q, o = item.question, item.observation
    gold = "; ".join(" / ".join(fact) for fact in q.answers) or "(unanswerable)"
    shown = o.retrieved_doc_ids[:SHOWN_RETRIEVED]
    retrieved = ", ".join(
        f"{doc_id}{' (gold)' if matches_source(doc_id, q.sources) else ''}" for doc_id in shown
    )
    answer = o.answer if len(o.answer) <= ANSWER_CHARS else o.answer[:ANSWER_CHARS] + "…"
    cited = [
        f"[{n}] {c.doc_id} {c.start}-{c.end}, {'valid' if ok else 'INVALID'}, "
        f"{'has a key fact' if has_fact else 'no key fact'}"
        for n, (c, ok, has_fact) in enumerate(
            zip(o.citations, item.citation_valid, item.citation_supporting, strict=True), 1
        )
    ]
    values = ", ".join(
        f"{short_label(m)} {fmt_value(m, r.value)}" for m, r in item.scores.items() if r.den
    )
    lines = [
        f"### {rank}. `{q.id}` ({q.category}), question score {question_score(item):.2f}",
        f"- question: {q.question}",
        f"- gold: {gold}; sources: {', '.join(q.sources) or 'none'}",
        f"- retrieved ({_retrieved_label(len(shown), len(o.retrieved_doc_ids))}): "
        f"{retrieved or 'nothing'}",
        f"- {'refused' if o.refused else 'answer'}: {_quote(answer)}",
        f"- citations: {'; '.join(cited) or 'none'}",
        f"- metrics: {values}",
    ]
    if o.error:
        lines.append(f"- error: {o.error}")
    return "\n".join(lines)


def _retrieved_label(shown: int, returned: int) -> str:
    """How many chunks the line lists, out of how many the service returned.

    /v1/retrieve may return fewer than the RETRIEVAL_DEPTH asked for: a corpus with fewer
    chunks, stale chunks left out, near-duplicate passages collapsed into one. A fixed
    "top 5 of 10" then announced five ids and listed four.
    """
    if returned == RETRIEVAL_DEPTH:
        return f"top {shown} of {returned}"
    return f"top {shown} of the {returned} returned, {RETRIEVAL_DEPTH} asked for"


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f"“{flat}”" if flat else "(empty)"
