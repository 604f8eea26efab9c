"""Bootstrap confidence intervals over questions, and the paired bootstrap of two runs.

Questions are resampled with replacement; each replicate aggregates exactly as the point value
does (sums of ratios, percentiles of latencies). Intervals are percentile intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.catalog import EMPTY_DEFAULTS, LATENCY_PERCENTILES, MEDIAN_METRICS, RATIO_METRICS
from eval.metrics import aggregate
from eval.ratio import EXCLUDED, Scores

SAMPLES = 1000
CONFIDENCE = 0.95
SEED = 0
"""Fixed, so that the same per-question results always give the same intervals."""

Interval = tuple[float, float]


@dataclass(frozen=True)
class Estimate:
    """A metric's value, its bootstrap interval and how many questions (or samples) count."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain-dict form for the report."""
        return {"value": self.value, "ci_low": self.low, "ci_high": self.high, "n": self.n}

    @classmethod
    def from_json(cls, raw: Any) -> Estimate:
        """Read ``to_json`` output, or a bare number (older reports)."""
        if isinstance(raw, dict):
            return cls(raw.get("value"), raw.get("ci_low"), raw.get("ci_high"), raw.get("n", 0))
        return cls(float(raw) if isinstance(raw, int | float) else None)


def estimates(
    scores: Sequence[Scores], latencies_ms: Sequence[float | None], *, seed: int = SEED
) -> dict[str, Estimate]:
    """Every metric's point value with its bootstrap confidence interval.

    ``latencies_ms[i]`` is the query latency of the question scored by ``scores[i]`` (None
    when its request failed).
    """
    present = [x for x in latencies_ms if x is not None]
    values = aggregate(scores, present)
    counts = _counts(scores, latencies_ms)
    if not scores:
        return {m: Estimate(v, n=0) for m, v in values.items()}
    reps = _replicates(scores, latencies_ms, _draws(len(scores), seed))
    estimates = {}
    for m, v in values.items():
        low, high = _interval(reps[m]) or (None, None)
        estimates[m] = Estimate(v, low, high, n=counts[m])
    return estimates


def paired_intervals(
    new: Sequence[Scores],
    old: Sequence[Scores],
    new_latencies: Sequence[float | None],
    old_latencies: Sequence[float | None],
    *,
    seed: int = SEED,
) -> dict[str, Interval | None]:
    """Interval of (new - old) per metric, resampling the same questions in both runs.

    ``new[i]`` and ``old[i]`` must be the same question.
    """
    if len(new) != len(old):
        raise ValueError("paired bootstrap needs the same questions in both runs")
    if not new:
        return {}
    draws = _draws(len(new), seed)
    after, before = _replicates(new, new_latencies, draws), _replicates(old, old_latencies, draws)
    return {m: _interval(after[m] - before[m]) for m in after}


def _counts(scores: Sequence[Scores], latencies: Sequence[float | None]) -> dict[str, int]:
    result = {
        m: sum(1 for s in scores if s.get(m, EXCLUDED).den > 0)
        for m in RATIO_METRICS + MEDIAN_METRICS
    }
    sampled = sum(1 for x in latencies if x is not None)
    return result | dict.fromkeys(LATENCY_PERCENTILES, sampled)


def _draws(n: int, seed: int) -> np.ndarray:
    """SAMPLES rows of ``n`` question indices drawn with replacement."""
    return np.random.default_rng(seed).integers(0, n, size=(SAMPLES, n))


def _replicates(
    scores: Sequence[Scores], latencies: Sequence[float | None], draws: np.ndarray
) -> dict[str, np.ndarray]:
    """Per metric, its value in each resample (NaN where undefined)."""
    n = len(scores)
    # How often each question is drawn in each resample: (SAMPLES, n).
    offsets = (np.arange(draws.shape[0]) * n)[:, None]
    times = np.bincount((draws + offsets).ravel(), minlength=draws.size).reshape(draws.shape)
    result: dict[str, np.ndarray] = {}
    for metric in RATIO_METRICS:
        ratios = [s.get(metric, EXCLUDED) for s in scores]
        num = times @ np.array([r.num for r in ratios], dtype=float)
        den = times @ np.array([r.den for r in ratios], dtype=float)
        default = EMPTY_DEFAULTS.get(metric, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[metric] = np.where(den > 0, num / np.where(den > 0, den, 1), default)
    for metric in MEDIAN_METRICS:
        values = [r.num if (r := s.get(metric, EXCLUDED)).den else None for s in scores]
        result[metric] = _sample_percentiles(values, draws, {metric: 50.0})[metric]
    result.update(_sample_percentiles(latencies, draws, LATENCY_PERCENTILES))
    return result


def _sample_percentiles(
    values: Sequence[float | None], draws: np.ndarray, percentiles: dict[str, float]
) -> dict[str, np.ndarray]:
    """Per metric, the given percentile of the drawn values in each resample (None left out)."""
    sampled = np.array([np.nan if x is None else x for x in values], dtype=float)[draws]
    ordered = np.sort(sampled, axis=1)  # NaN (questions that do not count) sort last
    present = np.isfinite(sampled).sum(axis=1)
    return {m: _row_percentile(ordered, present, pct) for m, pct in percentiles.items()}


def _row_percentile(ordered: np.ndarray, present: np.ndarray, pct: float) -> np.ndarray:
    """Linear-interpolated percentile of each row's first ``present`` (sorted) values."""
    position = np.maximum(present - 1, 0) * pct / 100.0
    low, high = np.floor(position).astype(int), np.ceil(position).astype(int)
    rows = np.arange(ordered.shape[0])
    below, above = ordered[rows, low], ordered[rows, high]
    values = below + (above - below) * (position - low)
    return np.where(present > 0, values, np.nan)


def _interval(replicates: np.ndarray) -> Interval | None:
    finite = replicates[np.isfinite(replicates)]
    if finite.size == 0:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)
