"""metrics_by_category.png: key metrics per category, with bootstrap intervals as whiskers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from eval.bootstrap import Estimate
from eval.catalog import (
    CITATION_PRECISION,
    CITATION_RECALL,
    HIT_AT_5,
    KEY_FACT_RECALL,
    NDCG_AT_10,
    REFUSAL_RECALL,
    TOKEN_F1,
    short_label,
)

PLOT_METRICS: tuple[str, ...] = (
    HIT_AT_5,
    NDCG_AT_10,
    KEY_FACT_RECALL,
    TOKEN_F1,
    CITATION_PRECISION,
    CITATION_RECALL,
    REFUSAL_RECALL,
)
"""Higher-is-better metrics only, so that every bar reads the same way."""

log = logging.getLogger(__name__)

PLOT_NAME = "metrics_by_category.png"


def plot_categories(
    categories: Mapping[str, Mapping[str, Estimate]], sizes: Mapping[str, int], path: Path
) -> Path | None:
    """Draw a grouped bar chart (one group per category, ``sizes`` its question count);
    None, with a warning, without matplotlib (an optional extra)."""
    # Figure + the Agg canvas directly: no pyplot global state, safe off the main thread.
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # the `eval` extra: the numbers are all in report.md and report.json
        log.warning("no chart: matplotlib is not installed (uv sync --extra eval)")
        return None

    names = list(categories)
    width = 0.8 / len(PLOT_METRICS)
    fig = Figure(figsize=(max(8.0, 1.4 * len(names) + 2), 4.8), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for offset, metric in enumerate(PLOT_METRICS):
        xs, heights, below, above = [], [], [], []
        for x, name in enumerate(names):
            estimate = categories[name].get(metric)
            if estimate is None or estimate.value is None:
                continue
            low = estimate.value if estimate.low is None else estimate.low
            high = estimate.value if estimate.high is None else estimate.high
            xs.append(x - 0.4 + width * (offset + 0.5))
            heights.append(estimate.value)
            below.append(max(0.0, estimate.value - low))
            above.append(max(0.0, high - estimate.value))
        ax.bar(xs, heights, width, label=short_label(metric), yerr=[below, above], capsize=2)
    ticks = [f"{name} (n={sizes.get(name, 0)})" for name in names]
    ax.set_xticks(range(len(names)), ticks, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("value (95% bootstrap CI)")
    ax.set_title("citedqa eval: metrics per category")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(ncols=4, fontsize="small", loc="lower center", bbox_to_anchor=(0.5, 1.08))
    fig.tight_layout()
    fig.savefig(path)
    return path
