"""report.png: query latency (concurrency 1) and server memory against corpus size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display here
import matplotlib.pyplot as plt


def write_plot(results: dict[str, Any], path: Path) -> Path | None:
    """Two panels, log-scaled sizes; None when no size was measured."""
    scaling = {int(k): v for k, v in results["scaling"].items() if v}
    if not scaling:
        return None
    sizes = sorted(scaling)
    fig, (lat, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    modes = sorted({m for s in scaling.values() for m in s["runs"]})
    for color, mode in zip(("tab:blue", "tab:orange", "tab:green"), modes, strict=False):
        for pct, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            xs = [n for n in sizes if mode in scaling[n]["runs"]]
            ys = [scaling[n]["runs"][mode]["1"].get(pct) for n in xs]
            lat.plot(xs, ys, style, color=color, label=f"{mode} {pct[:3]}")
    lat.axhline(50, color="grey", lw=0.8, ls=":", label="targets: p50 50 ms, p95 150 ms")
    lat.axhline(150, color="grey", lw=0.8, ls=":")
    lat.set(xscale="log", xlabel="chunks", ylabel="ms", title="/v1/query latency, concurrency 1")
    lat.legend(fontsize=8)
    for key, label in (("rss_idle_mb", "idle"), ("peak", "peak")):
        ys = [
            scaling[n]["rss_idle_mb"] if key == "rss_idle_mb" else scaling[n]["memory"]["peak_mb"]
            for n in sizes
        ]
        mem.plot(sizes, ys, "-o", label=f"RSS {label}")
    mem.axhline(600, color="grey", lw=0.8, ls=":", label="target 600 MB")
    mem.set(xscale="log", xlabel="chunks", ylabel="MB", title="service memory (VmRSS / VmHWM)")
    mem.set_ylim(bottom=0)
    lat.set_ylim(bottom=0)
    mem.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
