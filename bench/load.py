"""Closed-loop HTTP load: N concurrent clients, bounded by request count and time.

While the load runs, a separate connection probes a cheap endpoint at a steady pace; its
latency shows whether the server's event loop stays free (a blocked loop answers nothing,
however cheap, until the blocking call returns).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.stats import summarize

TIMEOUT_S = 120.0
PROBE_EVERY_S = 0.05
REFUSED = '"refused":true'


@dataclass
class LoadResult:
    """What one load run saw."""

    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    probe: list[float] = field(default_factory=list)  # seconds
    first_error: str | None = None
    refused: int = 0  # 200s whose body says `"refused":true` (citedqa's "no answer")
    items: int = 0  # questions answered, when a call answers several (batched encoder)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    def add(self, other: LoadResult) -> None:
        """Fold another run at the same concurrency into this one (interleaved rounds)."""
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.seconds += other.seconds
        self.probe += other.probe
        self.first_error = self.first_error or other.first_error
        self.refused += other.refused
        self.items += other.items

    def summary(self) -> dict[str, Any]:
        """Latency/throughput summary, plus the probe's when there was one."""
        out = summarize(self.latencies, self.seconds, self.errors)
        if self.items and self.seconds > 0:
            out["throughput"] = round(self.items / self.seconds, 2)
        out["concurrency"] = self.concurrency
        out["refused"] = self.refused
        if self.first_error:
            out["first_error"] = self.first_error
        if self.probe:
            out["probe"] = summarize(self.probe, self.seconds)
        return out


async def _worker(
    client: httpx.AsyncClient,
    path: str,
    bodies: Iterator[dict[str, Any]],
    result: LoadResult,
    deadline: float,
    budget: list[int],
) -> None:
    while time.perf_counter() < deadline and budget[0] > 0:
        body = next(bodies, None)
        if body is None:
            return
        budget[0] -= 1
        started = time.perf_counter()
        try:
            response = await client.post(path, json=body)
            status = response.status_code
        except httpx.HTTPError as exc:
            status, response = 0, None
            result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        result.statuses[status] += 1
        if status == 200:
            result.latencies.append(elapsed)
            result.refused += REFUSED in response.text  # type: ignore[union-attr]
        elif response is not None and result.first_error is None:
            result.first_error = f"HTTP {status}: {response.text[:300]}"


async def _probe(url: str, path: str, out: list[float], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                if (await client.get(path)).status_code == 200:
                    out.append(time.perf_counter() - started)
            except httpx.HTTPError:
                pass
            await asyncio.sleep(PROBE_EVERY_S)


async def _run(
    url: str,
    path: str,
    bodies: Iterator[dict[str, Any]],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    probe_path: str | None,
) -> LoadResult:
    result = LoadResult(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S, limits=limits) as client:
        probe = (
            asyncio.create_task(_probe(url, probe_path, result.probe, stop)) if probe_path else None
        )
        started = time.perf_counter()
        budget = [max_requests]
        await asyncio.gather(
            *(
                _worker(client, path, bodies, result, started + max_seconds, budget)
                for _ in range(concurrency)
            )
        )
        result.seconds = time.perf_counter() - started
        stop.set()
        if probe is not None:
            await probe
    return result


def run_load(
    url: str,
    path: str,
    bodies: Iterator[dict[str, Any]],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    probe_path: str | None = None,
) -> LoadResult:
    """POST bodies to `url + path` from `concurrency` clients until either bound is reached."""
    return asyncio.run(_run(url, path, bodies, concurrency, max_requests, max_seconds, probe_path))


def probe_idle(url: str, path: str, seconds: float) -> dict[str, Any]:
    """The probe's latency with no load, as a baseline."""

    async def go() -> list[float]:
        out: list[float] = []
        stop = asyncio.Event()
        task = asyncio.create_task(_probe(url, path, out, stop))
        await asyncio.sleep(seconds)
        stop.set()
        await task
        return out

    return summarize(asyncio.run(go()), seconds)
