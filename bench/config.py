"""What a benchmark run measures, and where it keeps its files."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bench.jobs import REPO


@dataclass(frozen=True)
class BenchConfig:
    """Sizes, concurrencies and time bounds of one run (`quick()` for a smoke test)."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)  # chunks; the largest is the main size
    real_max: int = 1_000  # sizes up to this are ingested for real (embedded), others synthetic
    concurrencies: tuple[int, ...] = (1, 8, 32)
    modes: tuple[str, ...] = ("vector", "hybrid")  # the request's "retrieval" field
    run_seconds: float = 10.0  # per load run at the main size
    scaling_seconds: float = 6.0  # per concurrency-1 run at the other sizes
    max_requests: int = 3_000  # per load run
    ingest_rounds: int = 3  # interleaved ingest/bare-encoder pairs (bench.ingest_pairs)
    ingest_only: bool = False  # measure ingest and nothing else
    rounds: int = 3  # interleaved rounds per concurrency when several services are loaded
    ceiling_seconds: float = 4.0  # encoder alone: per concurrency and variant, all rounds
    profile_questions: int = 40  # per mode
    warmup_requests: int = 5
    seed: int = 7
    seeds_dir: Path = REPO / "seeds"
    out_dir: Path = REPO / "bench" / "out"
    cache_dir: Path | None = None  # synthetic stores kept and reused here; None: built afresh
    build_timeout_s: float = 1_800.0
    quick_mode: bool = False

    @property
    def main_size(self) -> int:
        """The size the full HTTP matrix and the targets are measured at."""
        return max(self.sizes)

    def is_real(self, size: int) -> bool:
        """Whether this size is embedded for real rather than given synthetic vectors."""
        return size <= self.real_max

    def quick(self) -> BenchConfig:
        """A smoke test of every part in about two minutes (numbers are not meaningful)."""
        return replace(
            self,
            sizes=(300, 2_000),
            real_max=300,
            run_seconds=2.0,
            scaling_seconds=2.0,
            max_requests=400,
            rounds=2,
            ingest_rounds=2,
            ceiling_seconds=1.5,
            profile_questions=12,
            warmup_requests=3,
            quick_mode=True,
            cache_dir=None,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
