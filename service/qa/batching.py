"""Query embeddings, vector searches and chunk reads, micro-batched across requests.

One forward pass over eight questions costs far less than eight passes over one, one
Chroma query for eight vectors less than eight queries (measured at 100k chunks: 0.9 vs
2.7 ms a vector), and one read of 48 chunks less than eight reads of 6 (4.0 vs 9.6 ms).
So requests arriving together share a call: each request thread hands its item to one
worker thread, which takes whatever has queued up (up to `max_batch`) and runs it at
once. An idle service adds no wait: a lone request runs as soon as it arrives.
"""

from __future__ import annotations

import asyncio
import functools
import json
import queue
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
from cachetools import LRUCache

from citedqa.embedder import Embedder
from citedqa.errors import ShuttingDownError
from citedqa.models import RetrievedChunk
from citedqa.store import Store
from service.telemetry.timings import Timings, timed_request
from service.telemetry.timings import current as current_timings

if TYPE_CHECKING:
    from service.qa.chunk_cache import ChunkCache

In = TypeVar("In")
Out = TypeVar("Out")
Hits = list[tuple[str, float]]
Found = dict[str, tuple[RetrievedChunk, np.ndarray]]
_Search = tuple[Store, np.ndarray, int, dict[str, Any] | None]


def per_group(
    items: list[In], key: Callable[[In], Hashable], run: Callable[[list[In]], list[Out]]
) -> list[Out]:
    """`run` once for each group of items sharing a key (a store, a filter), the results
    back in the items' order: a batch may mix what one call cannot serve together."""
    groups: dict[Hashable, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault(key(item), []).append(i)
    out: dict[int, Out] = {}
    for members in groups.values():
        out.update(zip(members, run([items[i] for i in members]), strict=True))
    return [out[i] for i in range(len(items))]


class MicroBatcher(Generic[In, Out]):
    """`call(item)` from many threads; `run(items)` sees them in batches, one at a time.

    A caller that finds no batch running runs its items itself, on its own thread: handing
    them to the batcher's thread and waiting for it cost two thread wake-ups a call (about
    a sixth of a `/v1/query`'s GIL time went to such hand-offs, profiled at c=8). Callers
    that arrive while a batch runs queue up for the next one, as before.
    """

    def __init__(self, run: Callable[[list[In]], list[Out]], name: str, max_batch: int) -> None:
        self._run_batch = run
        self._max_batch = max_batch
        self._closed = False
        self._running = threading.Lock()  # held while a batch runs, on whichever thread
        self._holding = False  # the batcher's thread holds a batch (waits for `_running`)
        self._queue: queue.SimpleQueue[tuple[In, Future[Out]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def call(self, item: In) -> Out:
        """`run([item, ...])[i]` for this item (blocks the calling thread, never a loop)."""
        return self.call_many([item])[0]

    def call_many(self, items: list[In]) -> list[Out]:
        """`call` for several items at once: run at once when no batch is running, else
        queued together, so they share the next batch."""
        if self._closed:  # no worker would ever answer
            raise ShuttingDownError("the service is shutting down; try again shortly")
        if self._idle() and len(items) <= self._max_batch and self._running.acquire(False):
            try:
                return self._run_inline(items)
            finally:
                self._running.release()
        futures: list[Future[Out]] = []
        for item in items:
            futures.append(Future())
            self._queue.put((item, futures[-1]))
        return [future.result() for future in futures]

    def close(self) -> None:
        """Stop the worker thread (after the items already queued)."""
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            self._holding = True
            with self._running:  # the rest of the batch: what queued until it is free
                self._holding = False
                batch = [first]
                while len(batch) < self._max_batch:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        self._queue.put(None)
                        break
                    batch.append(item)
                try:
                    results = self._run_batch([item for item, _ in batch])
                except Exception as exc:
                    self._one_by_one(batch, exc)
                    continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)

    @property
    def waiting(self) -> int:
        """Items queued for the next batch."""
        return self._queue.qsize() + self._holding

    def _idle(self) -> bool:
        """No one waits for a batch: a caller may run its own without passing anyone."""
        return not self.waiting

    def _run_inline(self, items: list[In]) -> list[Out]:
        """`run(items)` on the caller's thread; after a failure each item alone, as on the
        batcher's thread (`_one_by_one`), the first item's own failure raised."""
        try:
            return self._run_batch(items)
        except Exception as exc:
            batch: list[tuple[In, Future[Out]]] = [(item, Future()) for item in items]
            self._one_by_one(batch, exc)
            return [future.result() for _, future in batch]

    def _one_by_one(self, batch: list[tuple[In, Future[Out]]], exc: Exception) -> None:
        """After a failed batch, each item alone: one request's bad input fails that request
        only (2 clients sending a lone surrogate once failed 563 of 1,110 others' queries)."""
        if len(batch) == 1:
            batch[0][1].set_exception(exc)
            return
        for item, future in batch:
            try:
                future.set_result(self._run_batch([item])[0])
            except Exception as own:
                future.set_exception(own)


class QueryEncoder:
    """`encode(text)` for many threads at once, batched, with an LRU cache of vectors."""

    def __init__(self, embedder: Embedder, max_batch: int = 16, cache_size: int = 4096) -> None:
        self._batcher: MicroBatcher[str, np.ndarray] = MicroBatcher(
            lambda texts: list(embedder.encode_queries(texts)), "query-encoder", max_batch
        )
        self._cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=cache_size)
        self._lock = threading.Lock()

    def encode(self, text: str) -> np.ndarray:
        """The unit vector of one question."""
        return self.encode_many([text])[0]

    def encode_many(self, texts: list[str]) -> list[np.ndarray]:
        """The unit vectors of several questions, the uncached ones in one batch."""
        with self._lock:
            hits = [self._cache.get(text) for text in texts]
        missing = list(dict.fromkeys(t for t, hit in zip(texts, hits, strict=True) if hit is None))
        if not missing:
            return hits  # type: ignore[return-value]
        found = dict(zip(missing, self._batcher.call_many(missing), strict=True))
        with self._lock:
            for text, vector in found.items():
                self._cache[text] = vector
        return [found[t] if hit is None else hit for t, hit in zip(texts, hits, strict=True)]

    def close(self) -> None:
        """Stop the encoder thread."""
        self._batcher.close()


class NearestSearch:
    """`Store.nearest` for one vector from many threads, batched per (store, k, filter).

    One worker thread serves every collection (`on(store)` is a collection's view of it), so
    the threads of the read path do not grow with the number of collections.
    """

    def __init__(self, max_batch: int = 16) -> None:
        self._batcher: MicroBatcher[_Search, Hits] = MicroBatcher(
            self._search, "vector-search", max_batch
        )

    def on(self, store: Store) -> StoreSearch:
        """This search over one collection's store."""
        return StoreSearch(self, store)

    def nearest(
        self, store: Store, vector: np.ndarray, k: int, where: dict[str, Any] | None
    ) -> Hits:
        """The `k` nearest (chunk_id, cosine) to a unit vector in `store`, best first."""
        return self._batcher.call((store, vector, k, where))

    def nearest_many(
        self, store: Store, asks: list[tuple[np.ndarray, int, dict[str, Any] | None]]
    ) -> list[Hits]:
        """`nearest` for each (vector, k, where), handed over together: one call per
        (k, where) for the lot."""
        return self._batcher.call_many([(store, vector, k, where) for vector, k, where in asks])

    def close(self) -> None:
        """Stop the search thread."""
        self._batcher.close()

    def _search(self, asks: list[_Search]) -> list[Hits]:
        def search(group: list[_Search]) -> list[Hits]:
            store, _, k, where = group[0]
            return store.nearest(np.stack([vector for _, vector, _, _ in group]), k, where)

        return per_group(asks, lambda a: (id(a[0]), a[2], json.dumps(a[3], sort_keys=True)), search)


@dataclass(frozen=True, slots=True)
class StoreSearch:
    """A `NearestSearch` bound to one store: what one collection's retriever calls."""

    search: NearestSearch
    store: Store

    def nearest(self, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> Hits:
        """The `k` nearest (chunk_id, cosine) to a unit vector, best first."""
        return self.search.nearest(self.store, vector, k, where)

    def nearest_many(self, asks: list[tuple[np.ndarray, int, dict[str, Any] | None]]) -> list[Hits]:
        """`nearest` for each (vector, k, where), in one hand-over."""
        return self.search.nearest_many(self.store, asks) if asks else []


class ChunkReader:
    """`Store.get_chunks` from many threads: one read per store for the chunks of a batch."""

    def __init__(self, max_batch: int = 16) -> None:
        self._batcher: MicroBatcher[tuple[Store, list[str]], Found] = MicroBatcher(
            self._read, "chunk-reader", max_batch
        )

    def on(self, store: Store, cache: ChunkCache | None = None) -> StoreReader:
        """This reader over one collection's store (the chunks `cache` holds not read)."""
        return StoreReader(self, store, cache)

    def get_chunks_many(self, store: Store, id_lists: list[list[str]]) -> list[Found]:
        """For each list of ids, the chunks (score 0) with their vectors, ids deleted
        meanwhile left out; handed over together: one read for the lot."""
        asks = [(store, ids) for ids in id_lists if ids]
        found = iter(self._batcher.call_many(asks) if asks else [])
        return [next(found) if ids else {} for ids in id_lists]

    def close(self) -> None:
        """Stop the reader thread."""
        self._batcher.close()

    def _read(self, asks: list[tuple[Store, list[str]]]) -> list[Found]:
        def read(group: list[tuple[Store, list[str]]]) -> list[Found]:
            wanted = dict.fromkeys(c for _, ids in group for c in ids)
            found = group[0][0].get_chunks(list(wanted))
            return [{c: found[c] for c in ids if c in found} for _, ids in group]

        return per_group(asks, lambda ask: id(ask[0]), read)


@dataclass(frozen=True, slots=True)
class StoreReader:
    """A `ChunkReader` bound to one store."""

    reader: ChunkReader
    store: Store
    cache: ChunkCache | None = None

    def get_chunks_many(self, id_lists: list[list[str]]) -> list[Found]:
        """`ChunkReader.get_chunks_many` on this store, in one read (of the chunks not in
        the cache)."""
        read = functools.partial(self.reader.get_chunks_many, self.store)
        return read(id_lists) if self.cache is None else self.cache.read_many(id_lists, read)


class RequestBatcher(Generic[In, Out]):
    """`await submit(item)` on the event loop; `run(items)` sees the items that arrived
    together, in batches, on at most `workers` threads.

    Handing each request to a pool thread, and from there each stage to a batcher thread
    and back, cost about eight thread wake-ups a request (profiled under load: a quarter of
    the GIL's time went to handing it over at those wake-ups). Here the requests that queue
    up while the workers are busy go over in one hop and come back in one, and a batch's
    questions are embedded in one forward pass. A lone request starts at once.
    """

    def __init__(
        self, run: Callable[[list[In]], list[Out]], name: str, workers: int, max_batch: int
    ) -> None:
        self._run_batch = run
        self._max_batch = max_batch
        self._workers = workers
        self._busy = 0
        self._closed = False
        self._pending: list[tuple[In, asyncio.Future[Out], Timings | None]] = []
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=name)

    async def submit(self, item: In) -> Out:
        """`run([..., item, ...])`'s result for this item. The batch's stage timings count
        in the request's own (each request waited for all of them)."""
        if self._closed:
            raise ShuttingDownError("the service is shutting down; try again shortly")
        timings = current_timings()
        if timings is not None and timings.tracer is not None:
            # A traced request runs alone, in its own context: its stages become its spans.
            return (await asyncio.to_thread(self._run_batch, [item]))[0]
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future, timings))
        self._start()
        return await future

    def close(self) -> None:
        """Stop the worker threads (after the batches already running)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _start(self) -> None:
        while self._pending and self._busy < self._workers:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            self._busy += 1
            done = asyncio.get_running_loop().run_in_executor(
                self._pool, self._run, [item for item, _, _ in batch]
            )
            done.add_done_callback(functools.partial(self._finish, batch))

    def _run(self, items: list[In]) -> tuple[list[Out | BaseException], dict[str, float]]:
        """The batch's results and stage timings."""
        with timed_request() as timings:
            return self._results(items), timings.stages

    def _results(self, items: list[In]) -> list[Out | BaseException]:
        """The batch's results; after a failed batch each item alone, so one request's bad
        input fails that request only."""
        try:
            return list(self._run_batch(items))
        except Exception as exc:
            if len(items) == 1:
                return [exc]
        out: list[Out | BaseException] = []
        for item in items:
            try:
                out.append(self._run_batch([item])[0])
            except Exception as own:
                out.append(own)
        return out

    def _finish(
        self,
        batch: list[tuple[In, asyncio.Future[Out], Timings | None]],
        done: asyncio.Future[tuple[list[Out | BaseException], dict[str, float]]],
    ) -> None:
        self._busy -= 1
        stages: dict[str, float] = {}
        try:
            results, stages = done.result()
        except BaseException:  # the pool was shut down under it
            results = [ShuttingDownError("the service is shutting down; try again shortly")]
            results *= len(batch)
        for (_, future, timings), result in zip(batch, results, strict=True):
            if timings is not None:
                for name, seconds in stages.items():
                    timings.stages[name] = timings.stages.get(name, 0.0) + seconds
            if future.done():  # the request was cancelled (its client went away)
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        self._start()
