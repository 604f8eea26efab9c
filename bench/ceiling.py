"""The physical ceiling of query throughput here: the encoder alone, in-process.

Three ways to spend the same cores on the same questions, nothing else running (no HTTP,
no search, no answer):
- "per request": N threads each embed one question at a time, as N concurrent requests
  do in the service today (its embedder settings: onnxruntime on all cores);
- "per request, 1 thread": the same with a single-threaded onnxruntime session;
- "batched": one thread embeds the N questions together, as a server that gathers
  concurrent questions into one model call would (what micro-batching could reach).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.stats import summarize
from citedqa.components import make_embedder
from citedqa.embedder import Embedder
from citedqa.settings import Settings


def _run(
    embedder: Embedder,
    questions: list[str],
    concurrency: int,
    seconds: float,
    per_call: int = 1,
) -> dict[str, Any]:
    """`concurrency` threads embedding `per_call` questions a call, until time or questions end.

    Latency is per call; throughput counts questions.
    """
    embedder.encode(questions[-per_call:])  # onnxruntime's first call at a new shape is slow
    lock = threading.Lock()
    source: Iterator[str] = iter(questions[:-per_call])
    latencies: list[float] = []
    done = [0]
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                batch = [q for q in (next(source, None) for _ in range(per_call)) if q]
            if not batch:
                return
            started = time.perf_counter()
            embedder.encode(batch)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                done[0] += len(batch)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    wall = time.perf_counter() - started
    out = summarize(latencies, wall)
    out.update(concurrency=concurrency, throughput=round(done[0] / wall, 2), per_call=per_call)
    return out


def measure_ceiling(questions: dict[str, list[str]], seconds: float) -> dict[str, dict[str, Any]]:
    """{variant: {concurrency: summary}} for the concurrencies that key `questions`."""
    settings = Settings()
    service = make_embedder(settings)
    single = Embedder(threads=1, embed_batch_size=settings.embed_batch_size)
    for embedder in (service, single):
        embedder.encode(["warm up the model", "and its memory arena"])
    out: dict[str, dict[str, Any]] = {"per request": {}, "per request, 1 thread": {}, "batched": {}}
    for c, qs in questions.items():
        n = int(c)
        out["per request"][c] = _run(service, qs, n, seconds)
        out["per request, 1 thread"][c] = _run(single, qs, n, seconds)
        out["batched"][c] = _run(service, qs, 1, seconds, per_call=n)
    return out
