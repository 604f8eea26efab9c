"""Ingest against the bare encoder in interleaved pairs, so both see the same machine load.

One ingest run and one bare-encoder run measured minutes apart gave ratios from 0.58 to
1.47 on this shared machine: the load changed between the two halves. Here each round runs
both back to back, seconds apart, and the order alternates (ingest first, then encoder
first, ...) so that a load rising or falling through a round favours neither side. The
ratio reported is the median of the rounds' own ratios.

Both sides stay what they were: each ingest is a fresh `ingest_path` over the same files
into an empty store, and each encoder run embeds the chunk texts the first ingest stored,
with a freshly loaded embedder of the same settings (threads, batch size, spinning).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import ingest_bench
from bench.machine import loadavg
from bench.stats import median

Job = Callable[[Callable[..., dict[str, Any]], dict[str, Any]], dict[str, Any]]


def _order(round_no: int) -> tuple[str, str]:
    """Which side goes first in a round: ingest on even rounds, the encoder on odd ones.
    The first round must ingest first: the encoder reads the texts that ingest stored."""
    return ("ingest", "encoder") if round_no % 2 == 0 else ("encoder", "ingest")


def interleaved(job: Job, params: dict[str, Any], rounds: int, scratch: Path) -> dict[str, Any]:
    """`rounds` ingest/encoder pairs; the first ingest's store stays at params["data_dir"].

    `job(function, params)` runs one side in a fresh process; later ingests go to scratch
    directories under `scratch`, removed after each round.
    """
    kept = {"data_dir": params["data_dir"], "collection": params["collection"]}
    pairs: list[dict[str, Any]] = []
    first: dict[str, Any] | None = None
    for k in range(rounds):
        side: dict[str, dict[str, Any]] = {}
        load = loadavg()
        target = Path(params["data_dir"]) if k == 0 else scratch / f"ingest-round-{k}"
        for which in _order(k):
            if which == "ingest":
                shutil.rmtree(target, ignore_errors=True)
                side[which] = job(ingest_bench.measure_ingest, {**params, "data_dir": str(target)})
            else:
                side[which] = job(ingest_bench.measure_encoder, kept)
        if k:
            shutil.rmtree(target, ignore_errors=True)
        first = first or side["ingest"]
        pairs.append(_pair(k, side, load))
    assert first is not None
    return summarize(first, pairs)


def _pair(k: int, side: dict[str, dict[str, Any]], load: float) -> dict[str, Any]:
    ing, enc = side["ingest"], side["encoder"]
    return {
        "round": k + 1,
        "first": _order(k)[0],
        "loadavg": [load, loadavg()],
        "ingest_chunks_per_s": ing["chunks_per_s"],
        "encoder_chunks_per_s": enc["chunks_per_s"],
        "ratio": ing["chunks_per_s"] / enc["chunks_per_s"],
        "encoder_share": ing["encoder_share"],
        "ingest_seconds": ing["seconds"],
        "encoder_seconds": enc["seconds"],
        "stages": ing["stages"],
    }


def summarize(first: dict[str, Any], pairs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The first ingest's counts, with medians over the pairs for every rate and ratio."""
    rate, enc = (
        median([p["ingest_chunks_per_s"] for p in pairs]),
        median([p["encoder_chunks_per_s"] for p in pairs]),
    )
    stages = {name: median([p["stages"].get(name, 0.0) for p in pairs]) for name in first["stages"]}
    chunks = first["chunks"]
    return {
        **first,
        "chunks_per_s": rate,
        "seconds": chunks / rate if rate else 0.0,
        "stages": stages,
        "encoder": {"chunks": chunks, "chunks_per_s": enc, "seconds": chunks / enc if enc else 0},
        "ratio": median([p["ratio"] for p in pairs]),
        "encoder_share": median([p["encoder_share"] for p in pairs]),
        "pairs": list(pairs),
    }
