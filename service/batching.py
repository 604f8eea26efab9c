"""Query embeddings, micro-batched across concurrent requests and cached.

One forward pass over eight questions costs far less than eight passes over one, so
requests arriving together share a batch: each request thread hands its question to one
encoder thread, which takes whatever has queued up (up to `max_batch`) and embeds it at once.
An idle service adds no wait: a lone request is embedded as soon as it arrives.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from concurrent.futures import Future

import numpy as np

from citedqa.embedder import Embedder


class QueryEncoder:
    """`encode(text)` for many threads at once, batched, with an LRU cache of vectors."""

    def __init__(self, embedder: Embedder, max_batch: int = 16, cache_size: int = 4096) -> None:
        self._embedder = embedder
        self._max_batch = max_batch
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[str, Future[np.ndarray]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="query-encoder", daemon=True)
        self._thread.start()

    def encode(self, text: str) -> np.ndarray:
        """The unit vector of one question (blocks the calling thread, never an event loop)."""
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        future: Future[np.ndarray] = Future()
        self._queue.put((text, future))
        vector = future.result()
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def close(self) -> None:
        """Stop the encoder thread."""
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
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
                vectors = self._embedder.encode([text for text, _ in batch])
            except Exception as exc:  # hand the failure to every waiting request
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)
