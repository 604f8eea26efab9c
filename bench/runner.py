"""One benchmark run, start to end: build the stores, measure, check the targets.

Each step's failure is recorded and the run goes on, so a report is always written; every
process started is stopped and the work directory is removed (cached stores stay).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench import building, measuring, stores
from bench.building import Layout
from bench.cache import cache_key, cache_root
from bench.config import BenchConfig
from bench.jobs import run_job
from bench.machine import loadavg, machine_meta
from bench.questions import QuestionSlices
from bench.seedtext import load_seed_text
from bench.targets import check_all

T = TypeVar("T")


@contextmanager
def workspace() -> Iterator[Path]:
    """A temporary directory for this run's logs and fresh stores, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="citedqa-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Run:
    """The results of a run so far, and its clock."""

    def __init__(self, cfg: BenchConfig) -> None:
        self.cfg = cfg
        self.started = time.perf_counter()
        self.results: dict[str, Any] = {
            "meta": machine_meta(),
            "config": {**cfg.as_dict(), "main_size": cfg.main_size},
            "steps": [],
            "errors": [],
            "ingest": None,
            "builds": {},
            "scaling": {},
            "http": {"citedqa": {}, "bare": {}, "encoder": {}, "rss": {}, "default_mode": None},
            "profile": None,
        }

    def log(self, message: str) -> None:
        """A progress line on stderr."""
        print(
            f"[{time.perf_counter() - self.started:6.0f}s] {message}", file=sys.stderr, flush=True
        )

    def step(self, name: str, fn: Callable[[], T]) -> T | None:
        """Run one step; on failure record the error and return None."""
        self.log(f"{name} (load {loadavg():.1f})")
        started, load = time.perf_counter(), loadavg()
        try:
            return fn()
        except Exception as exc:  # a step's failure must not lose the others' results
            self.log(f"{name} FAILED: {exc}")
            self.results["errors"].append({"step": name, "error": f"{type(exc).__name__}: {exc}"})
            traceback.print_exc(file=sys.stderr)
            return None
        finally:
            self.results["steps"].append(
                {
                    "step": name,
                    "seconds": round(time.perf_counter() - started, 1),
                    "loadavg": [load, loadavg()],
                }
            )


def _default_mode(supported: bool) -> str:
    if not supported:
        return "default"
    from citedqa.settings import Settings

    return str(getattr(Settings(), "retrieval", "default"))


def _cache(run: Run, work: Path) -> Path | None:
    """The cache directory for this run's synthetic stores, or None (no cache, or failed)."""
    cfg = run.cfg
    if cfg.cache_dir is None:
        return None
    params = {"seeds_dir": str(cfg.seeds_dir), "seed": cfg.seed}
    got = run.step(
        "fingerprint the stored format", lambda: run_job(stores.fingerprint, params, work, 600)
    )
    return cache_root(cfg.cache_dir, cache_key(got["fingerprint"])) if got else None


def _ingest(run: Run, work: Path, layouts: dict[int, Layout]) -> None:
    """Every size ingested for real, each against the bare encoder (bench.ingest_pairs)."""
    cfg, r = run.cfg, run.results
    for size in sorted(s for s in cfg.sizes if cfg.is_real(s)):
        label = f"ingest {size:,} chunks, {cfg.ingest_rounds} rounds against the bare encoder"
        got = run.step(label, partial(building.ingest, cfg, layouts[size], work))
        r["builds"][str(size)] = got
        if r["ingest"] is None:
            r["ingest"] = got


def _build(run: Run, work: Path, layouts: dict[int, Layout]) -> None:
    cfg, r = run.cfg, run.results
    _ingest(run, work, layouts)
    synthetic = [layouts[s] for s in sorted(cfg.sizes) if not cfg.is_real(s)]
    if synthetic:
        sizes = ", ".join(f"{lay.size:,}" for lay in synthetic)
        built = run.step(
            f"build synthetic stores ({sizes} chunks), in parallel",
            lambda: building.build_synthetic(cfg, synthetic, work, cfg.main_size),
        )
        r["builds"].update(built or {})
    if cfg.is_real(cfg.main_size):
        r["builds"]["bare"] = run.step(
            "bare store", lambda: building.mirror_bare(cfg, layouts[cfg.main_size], work)
        )


def _measure(run: Run, work: Path, layouts: dict[int, Layout], questions: QuestionSlices) -> None:
    cfg, r, main = run.cfg, run.results, run.cfg.main_size
    for size in sorted(s for s in cfg.sizes if s != main):
        got = run.step(
            f"citedqa at {size:,} chunks, c=1",
            partial(
                measuring.measure_size,
                cfg,
                layouts[size],
                work,
                questions,
                (1,),
                cfg.scaling_seconds,
                main=False,
            ),
        )
        r["scaling"][str(size)] = got and got["citedqa"]
    got = run.step(
        f"citedqa, bare llama-index and encoder at {main:,} chunks, c={cfg.concurrencies}",
        lambda: measuring.measure_size(
            cfg, layouts[main], work, questions, cfg.concurrencies, cfg.run_seconds, main=True
        ),
    )
    if got is not None:
        ours, bare = got["citedqa"], got.get("bare", {})
        r["scaling"][str(main)] = ours
        r["http"]["citedqa"] = ours["runs"]
        r["http"]["rss"] = ours["memory"]
        r["http"]["default_mode"] = _default_mode(ours["modes_supported"])
        r["http"]["bare"] = bare.get("runs", {}).get("bare", {})
        r["http"]["bare_service"] = {k: v for k, v in bare.items() if k != "runs"}
        if "error" in bare:
            r["errors"].append({"step": "bare llama-index service", "error": bare["error"]})
        r["http"]["encoder"] = got.get("encoder", {}).get("runs", {})
    modes = [m for m in r["http"]["citedqa"] if m != measuring.RETRIEVE] or ["default"]
    r["profile"] = run.step(
        "profile one query",
        lambda: measuring.measure_profile(cfg, layouts[main], work, questions, modes),
    )


def run_benchmark(cfg: BenchConfig) -> dict[str, Any]:
    """Everything the report needs."""
    run = Run(cfg)
    with workspace() as work:
        cached = (None if cfg.ingest_only else _cache(run, work)) or work
        run.log(f"work directory {work}; synthetic stores in {cached}")
        layouts = {s: Layout(work if cfg.is_real(s) else cached, s) for s in cfg.sizes}
        questions = QuestionSlices(load_seed_text(cfg.seeds_dir), cfg.seed)
        if cfg.ingest_only:
            _ingest(run, work, layouts)
        else:
            _build(run, work, layouts)
            _measure(run, work, layouts, questions)
    r = run.results
    r["targets"] = check_all(r)
    r["meta"]["loadavg_end"] = loadavg()
    r["meta"]["seconds"] = round(time.perf_counter() - run.started, 1)
    return r
