"""Requests batched on the event loop (RequestBatcher) and several items through one
MicroBatcher call: who shares a batch, what each request gets back, its stage timings."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from citedqa.errors import ShuttingDownError
from service.qa.batching import MicroBatcher, QueryEncoder, RequestBatcher
from service.telemetry.timings import stage, timed_request
from tests.helpers import wait_until


def run_alone(coroutine: Any) -> Any:
    """`asyncio.run` on a thread of its own: an earlier test in the same process may have
    left an event loop marked running on the main thread (seen in the full suite)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Doubler:
    """run(items) -> each item doubled; the first batch waits until `release` is set, so the
    requests sent meanwhile queue up behind it (no timing assumed)."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.release.wait(timeout=30)
        with stage("answer"):
            if 13 in items:
                raise ValueError("13 is refused")
        return [2 * i for i in items]


async def _ask_all(
    batcher: RequestBatcher[int, int], run: Doubler, items: list[int]
) -> list[object]:
    first = asyncio.create_task(batcher.submit(items[0]))
    await asyncio.sleep(0)  # the first batch starts, and is held
    rest = [asyncio.create_task(batcher.submit(i)) for i in items[1:]]
    await asyncio.sleep(0)
    run.release.set()
    return await asyncio.gather(first, *rest, return_exceptions=True)


def test_requests_that_arrive_while_a_batch_runs_share_the_next_one() -> None:
    run = Doubler()
    batcher = RequestBatcher(run, "test", workers=1, max_batch=4)
    try:
        results = run_alone(_ask_all(batcher, run, list(range(7))))
    finally:
        batcher.close()
    assert results == [0, 2, 4, 6, 8, 10, 12]  # each its own result, in order
    # The lone first request ran at once; the six behind it went in batches of at most 4.
    assert run.batches == [[0], [1, 2, 3, 4], [5, 6]]


def test_a_failing_item_fails_its_own_request_only() -> None:
    run = Doubler()
    batcher = RequestBatcher(run, "test", workers=1, max_batch=8)
    try:
        results = run_alone(_ask_all(batcher, run, [1, 2, 13, 4]))
    finally:
        batcher.close()
    assert results[:2] == [2, 4] and results[3] == 8
    assert isinstance(results[2], ValueError)
    # The batch [2, 13, 4] failed, then each of its items ran alone.
    assert run.batches == [[1], [2, 13, 4], [2], [13], [4]]


def test_the_batch_stage_timings_count_in_each_request() -> None:
    async def timed(batcher: RequestBatcher[int, int]) -> dict[str, float]:
        with timed_request() as timings:
            await batcher.submit(3)
        return timings.stages

    run = Doubler()
    run.release.set()
    batcher = RequestBatcher(run, "test", workers=2, max_batch=8)
    try:
        stages = run_alone(timed(batcher))
    finally:
        batcher.close()
    assert set(stages) == {"answer"}


def test_a_closed_batcher_refuses_new_requests() -> None:
    batcher = RequestBatcher(Doubler(), "test", workers=1, max_batch=8)
    batcher.close()
    with pytest.raises(ShuttingDownError):
        run_alone(batcher.submit(1))


def test_call_many_queues_its_items_together() -> None:
    seen: list[list[int]] = []
    release = threading.Event()

    def run(items: list[int]) -> list[int]:
        seen.append(list(items))
        if len(seen) == 1:
            release.wait(timeout=30)  # hold the first batch while the others queue
        return [i + 1 for i in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(run, "test", max_batch=16)
    try:
        holder = threading.Thread(target=batcher.call, args=(0,))
        holder.start()
        while not seen:
            release.wait(0.001)

        def release_when_queued() -> None:
            wait_until(lambda: batcher.waiting >= 3)
            release.set()

        queued = threading.Thread(target=release_when_queued)
        queued.start()
        assert batcher.call_many([1, 2, 3]) == [2, 3, 4]
        holder.join()
        queued.join()
    finally:
        batcher.close()
    assert seen == [[0], [1, 2, 3]]


class CountingEncoder:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_encode_many_embeds_only_the_uncached_questions_once_each() -> None:
    embedder = CountingEncoder()
    encoder = QueryEncoder(embedder)  # type: ignore[arg-type]
    try:
        encoder.encode("ab")
        vectors = encoder.encode_many(["ab", "abc", "abc", "abcd"])
    finally:
        encoder.close()
    assert [float(v[0]) for v in vectors] == [2.0, 3.0, 3.0, 4.0]
    embedded = [t for batch in embedder.batches for t in batch]
    assert embedded == ["ab", "abc", "abcd"]  # "ab" from the cache, "abc" once


def test_a_batch_of_several_collections_runs_once_per_collection_in_order() -> None:
    from service.qa.batching import per_group

    items = [("alpha", "1"), ("beta", "2"), ("alpha", "3")]
    calls: list[tuple[str, list[str]]] = []

    def run(group: list[tuple[str, str]]) -> list[str]:
        calls.append((group[0][0], [q for _, q in group]))
        return [f"{name[0]}:{q}" for name, q in group]

    assert per_group(items, lambda item: item[0], run) == ["a:1", "b:2", "a:3"]
    assert calls == [("alpha", ["1", "3"]), ("beta", ["2"])]


def test_a_call_with_no_batch_running_runs_on_the_callers_thread() -> None:
    threads: list[str] = []

    def run(items: list[int]) -> list[int]:
        threads.append(threading.current_thread().name)
        if 13 in items:
            raise ValueError("13 is refused")
        return [i + 1 for i in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(run, "test-thread", max_batch=16)
    try:
        assert batcher.call_many([1, 2]) == [2, 3]
        # No hand-over to the batcher's thread and back (two wake-ups) when it is idle.
        assert threads == [threading.current_thread().name]
        # A failed run: each item alone, the failing one's own error raised.
        with pytest.raises(ValueError, match="13 is refused"):
            batcher.call_many([1, 13])
        assert batcher.call(4) == 5
    finally:
        batcher.close()
