"""The bench's ingest ratio: interleaved ingest/encoder pairs, real ingest and real encoder."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import ingest_bench, ingest_pairs
from bench.config import BenchConfig


def test_pairs_alternate_and_the_ratio_is_their_median(tmp_path: Path) -> None:
    calls: list[str] = []

    def job(function: Callable[..., dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        calls.append(function.__name__)
        return function(**params)  # in this process: the jobs' own runner is tested elsewhere

    params = {
        "data_dir": str(tmp_path / "store"),
        "collection": "bench",
        "size": 40,
        "seed": 7,
        "seeds_dir": str(BenchConfig().seeds_dir),
        "corpus_dir": str(tmp_path / "corpus"),
    }
    got = ingest_pairs.interleaved(job, params, 3, tmp_path / "scratch")
    ingest, encoder = ingest_bench.measure_ingest.__name__, ingest_bench.measure_encoder.__name__
    # Ingest first, then encoder first, then ingest first: drift through a round favours neither.
    assert calls == [ingest, encoder, encoder, ingest, ingest, encoder]
    assert [p["first"] for p in got["pairs"]] == ["ingest", "encoder", "ingest"]
    ratios = [p["ingest_chunks_per_s"] / p["encoder_chunks_per_s"] for p in got["pairs"]]
    assert got["ratio"] == statistics.median(ratios)
    assert got["chunks"] == got["encoder"]["chunks"] > 0  # the same chunk texts on both sides
    assert (tmp_path / "store").is_dir()  # the first ingest's store is kept for later steps
    assert not list((tmp_path / "scratch").glob("ingest-round-*"))  # the others are removed
