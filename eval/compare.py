"""``--compare OLD.json``: deltas against an earlier report, with a paired bootstrap.

Questions present in both runs (matched by id) are resampled together; a change is significant
when the 95% interval of (new - old) lies entirely on one side of zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eval.bootstrap import Estimate, Interval, paired_intervals
from eval.catalog import LATENCY_METRICS, METRICS, REPORT_SCHEMA, higher_is_better, label
from eval.errors import UsageError
from eval.formatting import fmt_delta, fmt_interval, fmt_value, markdown_table
from eval.ratio import Ratio, Scores
from eval.summary import Summary

Verdict = Literal["regressed", "improved", ""]


@dataclass(frozen=True)
class PreviousRun:
    """What an earlier report.json holds: overall values and per-question ratios by id."""

    path: Path
    schema: str | None
    overall: dict[str, Estimate]
    scores: dict[str, Scores]
    latencies: dict[str, float | None]


@dataclass(frozen=True)
class Delta:
    """One metric, before and after, with the paired interval of the difference."""

    metric: str
    old: float | None
    new: float | None
    interval: Interval | None

    @property
    def change(self) -> float | None:
        """new - old, None when either is undefined."""
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def verdict(self) -> Verdict:
        """Regressed or improved when the interval excludes zero, else the empty string."""
        if self.interval is None:
            return ""
        low, high = self.interval
        worse = high < 0 if higher_is_better(self.metric) else low > 0
        better = low > 0 if higher_is_better(self.metric) else high < 0
        return "regressed" if worse else "improved" if better else ""


@dataclass(frozen=True)
class Comparison:
    """All deltas, how many questions were paired, and any caveat."""

    previous: Path
    deltas: list[Delta]
    paired: int
    note: str = ""

    @property
    def regressions(self) -> list[Delta]:
        """Metrics that got significantly worse."""
        return [d for d in self.deltas if d.verdict == "regressed"]

    def to_json(self) -> dict[str, Any]:
        """Plain-dict form for the report."""
        rows = [
            {
                "metric": d.metric,
                "old": d.old,
                "new": d.new,
                "delta": d.change,
                "ci": list(d.interval) if d.interval else None,
                "verdict": d.verdict,
            }
            for d in self.deltas
        ]
        return {
            "previous": str(self.previous),
            "paired_questions": self.paired,
            "note": self.note,
            "deltas": rows,
        }


def load_previous(path: Path) -> PreviousRun:
    """Read an earlier report.json; raise UsageError when it is missing or not a report."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        overall = {m: Estimate.from_json(v) for m, v in raw["overall"].items()}
        questions = raw.get("questions", [])
        scores: dict[str, Scores] = {
            q["id"]: _ratios(q["scores"]) for q in questions if "scores" in q
        }
        latencies = {q["id"]: q.get("latency_ms") for q in questions}
    except FileNotFoundError:
        raise UsageError(f"report to compare with not found: {path}") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path} is not a readable eval report.json ({exc!r})") from None
    return PreviousRun(path, raw.get("schema"), overall, scores, latencies)


def _ratios(raw: dict[str, Any]) -> dict[str, Ratio]:
    return {metric: Ratio(float(num), float(den)) for metric, (num, den) in raw.items()}


def compare(summary: Summary, previous: PreviousRun) -> Comparison:
    """Deltas of every metric; intervals from a paired bootstrap over common questions."""
    pairs = [i for i in summary.questions if i.question.id in previous.scores]
    intervals: dict[str, Interval | None] = {}
    if pairs:
        ids = [i.question.id for i in pairs]
        intervals = paired_intervals(
            [i.scores for i in pairs],
            [previous.scores[q] for q in ids],
            [i.observation.latency_ms for i in pairs],
            [previous.latencies.get(q) for q in ids],
        )
    notes = []
    if previous.schema != REPORT_SCHEMA:
        notes.append("the old report has another format: a metric may have changed definition")
    if not pairs:
        notes.append("no per-question scores in common (older report or other questions): no test")
    elif len(pairs) < len(summary.questions) or len(pairs) < len(previous.scores):
        notes.append(f"paired test over the {len(pairs)} questions both runs share")
    deltas = [
        Delta(m, previous.overall.get(m, Estimate(None)).value, summary.value(m), intervals.get(m))
        for m in METRICS
    ]
    return Comparison(previous.path, deltas, len(pairs), "; ".join(notes))


def format_comparison(comparison: Comparison) -> str:
    """Markdown table of deltas plus lines naming significant regressions."""
    rows = [
        [
            label(d.metric),
            fmt_value(d.metric, d.old),
            fmt_value(d.metric, d.new),
            fmt_delta(d.metric, d.change),
            fmt_interval(d.metric, *(d.interval or (None, None))),
            _shown_verdict(d),
        ]
        for d in comparison.deltas
    ]
    table = markdown_table(["metric", "old", "new", "delta", "95% CI of delta", ""], rows)
    lines = [f"Compared with {comparison.previous}:", "", table, ""]
    if comparison.note:
        lines.append(f"Note: {comparison.note}.")
    regressed = [d.metric for d in comparison.regressions if d.metric not in LATENCY_METRICS]
    slower = [d.metric for d in comparison.regressions if d.metric in LATENCY_METRICS]
    if regressed:
        lines.append(f"Significant regressions: {', '.join(regressed)}")
    else:
        lines.append("No significant quality regression.")
    if slower:
        lines.append(
            f"Significantly slower: {', '.join(slower)} (latency also moves with the machine's "
            "load: compare runs on one idle host)."
        )
    return "\n".join(lines)


def _shown_verdict(delta: Delta) -> str:
    if delta.metric in LATENCY_METRICS:
        return {"regressed": "slower", "improved": "faster", "": ""}[delta.verdict]
    return delta.verdict.upper() if delta.verdict == "regressed" else delta.verdict
