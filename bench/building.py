"""Building the stores a run measures: real ingest, synthetic stores, the bare store."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import bare, ingest_pairs, stores
from bench.config import BenchConfig
from bench.jobs import Job, JobFunction, run_job


@dataclass(frozen=True)
class Layout:
    """Where the stores of one corpus size live."""

    root: Path
    size: int
    collection: str = "bench"
    bare_collection: str = "bare"

    @property
    def data_dir(self) -> Path:
        return self.root / f"citedqa-{self.size}"

    @property
    def bare_path(self) -> Path:
        return self.root / f"bare-{self.size}"

    @property
    def corpus_dir(self) -> Path:
        return self.root / f"corpus-{self.size}"


def ingest(cfg: BenchConfig, lay: Layout, work: Path) -> dict[str, Any]:
    """Really ingest ~`lay.size` chunks, and embed the same chunks with the bare encoder, in
    `cfg.ingest_rounds` interleaved pairs (bench.ingest_pairs)."""
    for path in (lay.data_dir, lay.corpus_dir, lay.bare_path):
        shutil.rmtree(path, ignore_errors=True)
    params = {
        "data_dir": str(lay.data_dir),
        "collection": lay.collection,
        "size": lay.size,
        "seed": cfg.seed,
        "seeds_dir": str(cfg.seeds_dir),
        "corpus_dir": str(lay.corpus_dir),
    }

    def job(function: JobFunction, kwargs: dict[str, Any]) -> dict[str, Any]:
        return run_job(function, kwargs, work, cfg.build_timeout_s)

    return ingest_pairs.interleaved(job, params, cfg.ingest_rounds, work)


def _stamp(cfg: BenchConfig, lay: Layout, job: str) -> dict[str, Any]:
    return {"job": job, "size": lay.size, "seed": cfg.seed, "seeds": str(cfg.seeds_dir)}


def _reusable(path: Path, stamp: dict[str, Any]) -> bool:
    file = path / "bench-stamp.json"
    return file.exists() and json.loads(file.read_text()) == stamp


def _synthetic_jobs(
    cfg: BenchConfig, layouts: list[Layout], bare_size: int
) -> list[tuple[str, Layout, Path, str, JobFunction, dict[str, Any]]]:
    """(result key, layout, directory, job label (in the cache stamp), job, params) of every
    store to build."""
    out: list[tuple[str, Layout, Path, str, JobFunction, dict[str, Any]]] = []
    for lay in layouts:
        common = {"size": lay.size, "seed": cfg.seed, "seeds_dir": str(cfg.seeds_dir)}
        params = {"data_dir": str(lay.data_dir), "collection": lay.collection, **common}
        out.append((f"{lay.size}", lay, lay.data_dir, "synthetic", stores.write_synthetic, params))
        if lay.size == bare_size:
            params = {"path": str(lay.bare_path), "collection": lay.bare_collection, **common}
            job = bare.write_synthetic
            out.append((f"bare-{lay.size}", lay, lay.bare_path, "bare-synthetic", job, params))
    return out


def build_synthetic(
    cfg: BenchConfig, layouts: list[Layout], work: Path, bare_size: int
) -> dict[str, Any]:
    """The synthetic citedqa stores (and the bare one at `bare_size`), all built at once.

    A store cached (see bench.cache) by an earlier run with the same size and seed is reused.
    """
    out: dict[str, Any] = {}
    jobs: list[tuple[str, Path, dict[str, Any], Job]] = []
    try:
        for key, lay, path, label, function, params in _synthetic_jobs(cfg, layouts, bare_size):
            stamp = _stamp(cfg, lay, label)
            if _reusable(path, stamp):
                out[key] = {"reused": str(path)}
                continue
            shutil.rmtree(path, ignore_errors=True)
            jobs.append((key, path, stamp, Job(function, params, work, cfg.build_timeout_s)))
        for key, path, stamp, job in jobs:
            out[key] = job.result()
            (path / "bench-stamp.json").write_text(json.dumps(stamp))
    finally:
        for *_, job in jobs:
            job.stop()
    return out


def mirror_bare(cfg: BenchConfig, lay: Layout, work: Path) -> dict[str, Any]:
    """The bare store holding a copy of an ingested citedqa store's chunks and vectors."""
    shutil.rmtree(lay.bare_path, ignore_errors=True)
    params = {
        "data_dir": str(lay.data_dir),
        "collection": lay.collection,
        "path": str(lay.bare_path),
        "bare_collection": lay.bare_collection,
    }
    return {"bare": run_job(bare.mirror, params, work, cfg.build_timeout_s)}
