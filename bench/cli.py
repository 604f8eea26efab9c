"""`python -m bench`: run the benchmark and write bench/out/report.{md,json,png}."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
from pathlib import Path

from bench.cache import default_cache_dir
from bench.config import BenchConfig
from bench.plot import write_plot
from bench.report import write_reports
from bench.runner import run_benchmark
from bench.targets import check_all


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part.replace("_", "")) for part in text.split(",") if part)


def parse_args(argv: list[str]) -> tuple[BenchConfig, Path | None]:
    """The run's configuration, and the report.json to re-render instead (--render)."""
    d = BenchConfig()
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="smoke test: tiny sizes, short runs")
    p.add_argument(
        "--sizes",
        type=_ints,
        default=d.sizes,
        help="corpus sizes in chunks, e.g. 1000,10000,100000",
    )
    p.add_argument(
        "--real-max",
        type=int,
        default=d.real_max,
        help="embed sizes up to this for real (others synthetic)",
    )
    p.add_argument(
        "--concurrency",
        type=_ints,
        default=d.concurrencies,
        help="e.g. 1,8,32 (8 is needed by targets)",
    )
    p.add_argument(
        "--seconds", type=float, default=d.run_seconds, help="per load run at the largest size"
    )
    p.add_argument(
        "--scaling-seconds", type=float, default=d.scaling_seconds, help="per run at other sizes"
    )
    p.add_argument("--max-requests", type=int, default=d.max_requests, help="per load run")
    # Ingest against the bare encoder in interleaved pairs; the ratio is their median.
    p.add_argument(
        "--ingest-rounds", type=int, default=d.ingest_rounds, help="ingest/encoder pairs"
    )
    p.add_argument("--ingest-only", action="store_true", help="measure ingest, nothing else")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--out", type=Path, default=d.out_dir, help="report directory")
    p.add_argument(
        "--cache",
        type=Path,
        default=default_cache_dir(),
        help="keep the synthetic stores here and reuse them (default: %(default)s)",
    )
    p.add_argument("--no-cache", action="store_true", help="build every store afresh, keep none")
    p.add_argument(
        "--render",
        type=Path,
        default=None,
        help="measure nothing: re-check the targets of this report.json and write the report",
    )
    a = p.parse_args(argv)
    cfg = dataclasses.replace(
        d,
        sizes=a.sizes,
        real_max=a.real_max,
        concurrencies=a.concurrency,
        run_seconds=a.seconds,
        scaling_seconds=a.scaling_seconds,
        max_requests=a.max_requests,
        seed=a.seed,
        ingest_rounds=a.ingest_rounds,
        ingest_only=a.ingest_only,
        out_dir=a.out,
        cache_dir=None if a.no_cache else a.cache,
    )
    cfg = cfg.quick() if a.quick else cfg
    if a.ingest_only:  # --quick's sizes, or the real ones: only those ingested for real
        cfg = dataclasses.replace(cfg, sizes=tuple(s for s in cfg.sizes if cfg.is_real(s)))
    return cfg, a.render


def main(argv: list[str] | None = None) -> int:
    """Run; 0 when the run completed (targets may fail), 1 when a step failed."""
    cfg, render = parse_args(sys.argv[1:] if argv is None else argv)
    if render is not None:
        results = json.loads(render.read_text())
        results["targets"] = check_all(results)
    else:
        # On SIGTERM unwind like Ctrl-C: servers and jobs stopped, temporary files removed.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        results = run_benchmark(cfg)
    json_path, md_path = write_reports(results, cfg.out_dir)
    write_plot(results, cfg.out_dir / "report.png")
    print(md_path.read_text())
    print(f"wrote {md_path}, {json_path}, {cfg.out_dir / 'report.png'}", file=sys.stderr)
    return 1 if results["errors"] else 0
