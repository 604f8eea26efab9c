"""The bench's store cache key: the same stored format gives the same fingerprint."""

from __future__ import annotations

import itertools
import time

import pytest

from bench import stores
from bench.config import BenchConfig


def test_the_fingerprint_does_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each chunk stores when it was written; two runs a day apart must still share a cache.
    ticks = itertools.count(1_800_000_000, 86_400)
    monkeypatch.setattr(time, "time", lambda: float(next(ticks)))
    seeds = str(BenchConfig().seeds_dir)
    first = stores.fingerprint(seeds, 0)
    second = stores.fingerprint(seeds, 0)
    assert first == second
