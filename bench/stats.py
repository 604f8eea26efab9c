"""Latency summaries: percentiles in milliseconds and throughput."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def summarize(latencies: Sequence[float], seconds: float, errors: int = 0) -> dict[str, Any]:
    """n, errors, throughput (ok requests/s over `seconds`) and p50/p95/p99/mean/max in ms."""
    ms = np.asarray(latencies, dtype=np.float64) * 1000.0
    out: dict[str, Any] = {
        "n": int(ms.size),
        "errors": errors,
        "seconds": round(seconds, 3),
        "throughput": round(ms.size / seconds, 2) if seconds > 0 else 0.0,
    }
    if ms.size:
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        out.update(
            p50_ms=round(float(p50), 2),
            p95_ms=round(float(p95), 2),
            p99_ms=round(float(p99), 2),
            mean_ms=round(float(ms.mean()), 2),
            max_ms=round(float(ms.max()), 2),
        )
    return out


def median(values: Sequence[float]) -> float:
    """The median (0.0 for none)."""
    return float(np.median(values)) if len(values) else 0.0
