"""Plain-text formatting shared by the Markdown report, stdout and gate messages."""

from __future__ import annotations

from collections.abc import Sequence

from eval.catalog import LATENCY_METRICS, MEDIAN_METRICS

NOT_AVAILABLE = "n/a"


def fmt_value(metric: str, value: float | None) -> str:
    """A metric value for humans: 3 decimals, whole milliseconds for latency, one decimal for
    a median of counts (a median of an even number of words can end in .5), n/a for None."""
    if value is None:
        return NOT_AVAILABLE
    if metric in LATENCY_METRICS:
        return f"{value:.0f}"
    return f"{value:.1f}" if metric in MEDIAN_METRICS else f"{value:.3f}"


def fmt_interval(metric: str, low: float | None, high: float | None) -> str:
    """A confidence interval as ``[low, high]``, or n/a."""
    if low is None or high is None:
        return NOT_AVAILABLE
    return f"[{fmt_value(metric, low)}, {fmt_value(metric, high)}]"


def fmt_delta(metric: str, delta: float | None) -> str:
    """A signed difference, e.g. ``+0.012`` or ``-3``."""
    if delta is None:
        return NOT_AVAILABLE
    text = fmt_value(metric, abs(delta))
    return ("-" if delta < 0 and text.strip("0.") else "+") + text


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; pipes in cells are escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    separator = "|" + "|".join("---" for _ in headers) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in rows)])
