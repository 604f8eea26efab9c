"""One item's failure fails that item only, never the rest of its batch (issue 16, item 1)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.qa.batching import MicroBatcher
from tests.helpers import wait_until


def test_a_bad_item_fails_alone_and_its_batch_mates_succeed() -> None:
    release = threading.Event()
    batches: list[list[str]] = []

    def run(items: list[str]) -> list[str]:
        if items == ["hold"]:
            release.wait(10)  # keep the worker busy until the next batch has queued up
        batches.append(items)
        if "bad" in items:
            raise ValueError("bad input")
        return [item.upper() for item in items]

    batcher: MicroBatcher[str, str] = MicroBatcher(run, "test-batcher", max_batch=16)
    try:
        with ThreadPoolExecutor(8) as pool:
            held = pool.submit(batcher.call, "hold")
            wait_until(lambda: batches == [] and batcher.waiting == 0)
            futures = {w: pool.submit(batcher.call, w) for w in ["a", "b", "bad", "c", "d"]}
            wait_until(lambda: batcher.waiting == 5)
            release.set()
            assert held.result(10) == "HOLD"
            assert [futures[w].result(10) for w in "abcd"] == ["A", "B", "C", "D"]
            with pytest.raises(ValueError, match="bad input"):
                futures["bad"].result(10)
        assert ["a", "b", "bad", "c", "d"] in batches  # they did share a batch, which failed
    finally:
        batcher.close()
