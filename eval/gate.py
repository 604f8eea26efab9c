"""Quality gate: compare aggregated metrics with the thresholds file and explain failures."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from eval.catalog import GATEABLE_METRICS, LATENCY_METRICS, MEDIAN_METRICS
from eval.errors import ThresholdsError
from eval.formatting import fmt_interval, fmt_value
from eval.ratio import EXCLUDED
from eval.summary import ScoredQuestion, Summary

Bound = Literal["min", "max"]

SHOWN_OFFENDERS = 10
"""Questions listed per failed metric on stdout; report.json lists them all."""


@dataclass(frozen=True)
class Thresholds:
    """Gated metrics: ``minimum[m]`` must be <= value, ``maximum[m]`` >= value."""

    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)

    def describe(self, metric: str) -> str:
        """Human form of the metric's thresholds, e.g. ">= 0.800", or "" when not gated."""
        parts = []
        if metric in self.minimum:
            parts.append(f">= {fmt_value(metric, self.minimum[metric])}")
        if metric in self.maximum:
            parts.append(f"<= {fmt_value(metric, self.maximum[metric])}")
        return ", ".join(parts)


@dataclass(frozen=True)
class GateFailure:
    """A gated metric that missed its threshold, with the questions that pulled it down."""

    metric: str
    value: float | None
    threshold: float
    bound: Bound
    offenders: tuple[ScoredQuestion, ...]
    interval: tuple[float | None, float | None] = (None, None)

    @property
    def miss(self) -> float | None:
        """How far the value is on the wrong side of the threshold; None when undefined."""
        if self.value is None:
            return None
        return self.threshold - self.value if self.bound == "min" else self.value - self.threshold


def load_thresholds(path: Path) -> Thresholds:
    """Read ``[min]`` / ``[max]`` tables of metric → number; raise ThresholdsError if invalid."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdsError(f"thresholds file not found: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(f"cannot read thresholds file {path}: {exc}") from None
    unknown = set(raw) - {"min", "max"}
    if unknown:
        raise ThresholdsError(f"{path}: unknown table(s) {sorted(unknown)}; use [min] and [max]")
    return Thresholds(
        minimum=_table(path, raw.get("min", {}), "min"),
        maximum=_table(path, raw.get("max", {}), "max"),
    )


def _table(path: Path, table: Any, name: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ThresholdsError(f"{path}: [{name}] must be a table")
    result: dict[str, float] = {}
    for metric, bound in table.items():
        where = f"{path}: [{name}] {metric}"
        if metric in LATENCY_METRICS:
            raise ThresholdsError(f"{where}: latency is reported, never gated")
        if metric not in GATEABLE_METRICS:
            known = ", ".join(GATEABLE_METRICS)
            raise ThresholdsError(f"{where}: unknown metric (known: {known})")
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise ThresholdsError(f"{where}: threshold must be a number")
        if metric in MEDIAN_METRICS:
            if bound < 0:
                raise ThresholdsError(f"{where}: threshold must be a number >= 0")
        elif not 0 <= bound <= 1:
            raise ThresholdsError(f"{where}: threshold must be a number in [0, 1]")
        result[metric] = float(bound)
    return result


def check_gate(summary: Summary, thresholds: Thresholds) -> list[GateFailure]:
    """Every gated metric that misses its threshold; an undefined (n/a) metric fails."""
    failures: list[GateFailure] = []
    checks: list[tuple[Bound, dict[str, float]]] = [
        ("min", thresholds.minimum),
        ("max", thresholds.maximum),
    ]
    for bound, table in checks:
        for metric, threshold in table.items():
            value = summary.value(metric)
            if value is not None and _passes(value, threshold, bound):
                continue
            estimate = summary.overall.get(metric)
            interval = (estimate.low, estimate.high) if estimate else (None, None)
            offenders = offenders_of(summary.questions, metric, threshold, bound)
            failures.append(GateFailure(metric, value, threshold, bound, offenders, interval))
    return failures


def _passes(value: float, threshold: float, bound: Bound) -> bool:
    return value >= threshold if bound == "min" else value <= threshold


def offenders_of(
    items: list[ScoredQuestion], metric: str, threshold: float, bound: Bound
) -> tuple[ScoredQuestion, ...]:
    """Questions on the wrong side of the threshold, the ones costing the most first.

    A question's cost is how far its ratio falls short of the threshold, weighted by its
    denominator (a question with three invalid citations costs more than one with one).
    """
    costs = []
    for item in items:
        ratio = item.scores.get(metric, EXCLUDED)
        shortfall = ratio.den * threshold - ratio.num
        cost = shortfall if bound == "min" else -shortfall
        if ratio.den and cost > 1e-12:
            costs.append((-cost, item.question.id, item))
    costs.sort(key=itemgetter(0, 1))
    return tuple(item for _, _, item in costs)


def format_failures(failures: list[GateFailure]) -> str:
    """Explain each failure: metric, value, threshold, miss, and the questions responsible."""
    blocks = []
    for f in failures:
        op = ">=" if f.bound == "min" else "<="
        want = f"{op} {fmt_value(f.metric, f.threshold)}"
        if f.value is None:
            head = f"FAIL {f.metric}: n/a (no question counts for it), required {want}"
        else:
            head = (
                f"FAIL {f.metric}: {fmt_value(f.metric, f.value)}, required {want}, "
                f"misses by {fmt_value(f.metric, f.miss)}"
                f" (95% CI {fmt_interval(f.metric, *f.interval)})"
            )
        lines = [head]
        if f.offenders:
            verb = "pulled down" if f.bound == "min" else "pushed up"
            lines.append(f"  {verb} by {len(f.offenders)} question(s), costliest first:")
            lines.extend(_offender_line(f.metric, o) for o in f.offenders[:SHOWN_OFFENDERS])
            if len(f.offenders) > SHOWN_OFFENDERS:
                more = len(f.offenders) - SHOWN_OFFENDERS
                lines.append(f"  ... and {more} more (report.json, gate.failures)")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _offender_line(metric: str, item: ScoredQuestion) -> str:
    line = f"  - {item.question.id} ({fmt_value(metric, item.value(metric))}): "
    line += item.question.question
    if item.observation.error:
        line += f" [error: {item.observation.error}]"
    elif item.observation.refused:
        line += " [refused]"
    return line
