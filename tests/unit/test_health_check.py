"""/health measures at most once per ttl, whoever calls (issue 16, item 6)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from service.telemetry.health import HealthCheck


class FakeEmbedder:
    model_name = "fake-embedder"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> None:
        self.calls += 1
        time.sleep(0.05)  # a real encode takes milliseconds: callers overlap


class FakeStore:
    def count_chunks(self) -> int:
        return 37

    def count_documents(self) -> int:
        return 5


def test_many_callers_cost_one_measurement_per_ttl() -> None:
    embedder = FakeEmbedder()
    check = HealthCheck(cast(Any, embedder), cast(Any, FakeStore()), ttl=0.5)
    with ThreadPoolExecutor(16) as pool:
        states = list(pool.map(lambda _: check.readiness(), range(200)))
    assert all(s.ok and s.chunks == 37 for s in states)
    assert embedder.calls == 1
    time.sleep(0.6)
    check.readiness()
    assert embedder.calls == 2  # measured again once the last one is stale
