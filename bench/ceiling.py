"""The physical ceiling of query throughput here: the encoder alone, in-process.

Three ways to spend the same cores on the same questions, nothing else running (no HTTP,
no search, no answer):
- "per request": N threads each embed one question at a time, as N concurrent requests
  would (the service's embedder settings: onnxruntime on all cores);
- "per request, 1 thread": the same with a single-threaded onnxruntime session;
- "batched": one thread embeds N questions per call, as a server gathering concurrent
  questions into one model call does (what micro-batching can reach).

The encoder lives in its own long-lived process (`python -m bench.ceiling`, one JSON
request and answer a line on stdin/stdout), so its runs interleave with the HTTP runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.jobs import child_env
from bench.load import LoadResult

VARIANTS = ("per request", "per request, 1 thread", "batched")


def _run(
    embedder: Any, questions: list[str], threads: int, per_call: int, seconds: float
) -> dict[str, Any]:
    """`threads` threads embedding `per_call` questions a call until time or questions end."""
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
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    return {"latencies": latencies, "items": done[0], "seconds": time.perf_counter() - started}


def serve() -> None:
    """Worker side: answer run requests from stdin until it closes."""
    from citedqa.components import make_embedder
    from citedqa.embedder import MiniLMEmbedder
    from citedqa.settings import Settings

    settings = Settings()
    service = make_embedder(settings)
    single = MiniLMEmbedder(threads=1, embed_batch_size=settings.embed_batch_size)
    for line in sys.stdin:
        ask = json.loads(line)
        c, variant = ask["concurrency"], ask["variant"]
        embedder = single if variant == "per request, 1 thread" else service
        threads, per_call = (1, c) if variant == "batched" else (c, 1)
        out = _run(embedder, ask["questions"], threads, per_call, ask["seconds"])
        print(json.dumps(out), flush=True)


class EncoderWorker:
    """The parent side: `run(variant, c, questions, seconds)` in the worker process."""

    def __init__(self, workdir: Path) -> None:
        self._log = (workdir / "encoder-worker.log").open("w")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.ceiling"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=child_env(),
            cwd=workdir,
        )

    def run(self, variant: str, c: int, questions: list[str], seconds: float) -> LoadResult:
        """One run; its latencies are per call, its `items` the questions embedded."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        ask = {"variant": variant, "concurrency": c, "questions": questions, "seconds": seconds}
        self._proc.stdin.write(json.dumps(ask) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"encoder worker died (exit {self._proc.poll()}), see its log")
        got = json.loads(line)
        result = LoadResult(
            c, latencies=got["latencies"], seconds=got["seconds"], items=got["items"]
        )
        result.statuses[200] = len(got["latencies"])
        return result

    def __enter__(self) -> EncoderWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


if __name__ == "__main__":
    serve()
