"""Measuring the servers, the encoder and one query's stages.

At a size, citedqa (one subject per retrieval mode) and, at the largest size, the bare
llama-index service run side by side; each is warmed up, then loaded in interleaved rounds
(citedqa vector, citedqa hybrid, bare, again ...) so that a change in the machine's load
hits all of them alike and their ratio stays meaningful on a shared machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.building import Layout
from bench.config import BenchConfig
from bench.jobs import run_job
from bench.load import LoadResult, probe_idle, run_load
from bench.questions import QuestionSlices
from bench.servers import Server, bare_server, citedqa_server

LOOP_PROBE = "/openapi.json"  # an async FastAPI route: answered on the event loop itself
Body = Callable[[str], dict[str, Any]]


@dataclass
class Subject:
    """One thing under load: a server, its route, and how a question becomes a body."""

    name: str  # "vector", "hybrid", "default" (citedqa) or "bare"
    server: Server
    path: str
    body: Body
    questions: str  # the question slice's name: the bare service reuses citedqa's vector one
    cold_ms: float = 0.0  # the first request's latency
    failure: tuple[int, str] | None = None  # (status, body) when every warm-up request failed
    results: dict[int, LoadResult] = field(default_factory=dict)


def _post(server: Server, path: str, body: dict[str, Any]) -> tuple[int, float, str]:
    started = time.perf_counter()
    response = httpx.post(server.url + path, json=body, timeout=600.0)
    return response.status_code, (time.perf_counter() - started) * 1000.0, response.text


def _get_ms(server: Server, path: str) -> float:
    started = time.perf_counter()
    httpx.get(server.url + path, timeout=600.0).raise_for_status()
    return (time.perf_counter() - started) * 1000.0


def _memory(server: Server) -> dict[str, float]:
    return {"rss_mb": round(server.rss_mb(), 1), "peak_mb": round(server.peak_rss_mb(), 1)}


def _facts(server: Server, health: bool) -> dict[str, Any]:
    """Start-up time, idle memory, /health latency and the idle event-loop probe."""
    out: dict[str, Any] = {"startup_s": round(server.startup_s, 2)}
    out["rss_idle_mb"] = round(server.rss_mb(), 1)
    if health:
        out["health_ms"] = round(_get_ms(server, "/health"), 1)
    _get_ms(server, LOOP_PROBE)  # the first call builds the OpenAPI schema
    out["probe_idle"] = probe_idle(server.url, LOOP_PROBE, 2.0)
    return out


def _citedqa_subjects(cfg: BenchConfig, server: Server, qs: QuestionSlices) -> list[Subject]:
    """One subject per retrieval mode; only the default when the field is refused (422)."""
    probe = {"question": qs.get("mode-check", 1)[0], "retrieval": "vector"}
    modes: list[str | None] = (
        list(cfg.modes) if _post(server, "/v1/query", probe)[0] == 200 else [None]
    )

    def body(mode: str | None) -> Body:
        return lambda q: {"question": q, **({"retrieval": mode} if mode else {})}

    names = [m or "default" for m in modes]
    return [Subject(n, server, "/v1/query", body(m), n) for n, m in zip(names, modes, strict=True)]


def _warm_up(subject: Subject, questions: list[str]) -> None:
    answers = [_post(subject.server, subject.path, subject.body(q)) for q in questions]
    subject.cold_ms = round(answers[0][1], 1)
    if all(status != 200 for status, _, _ in answers):
        subject.failure = (answers[0][0], answers[0][2][:300])


def _load(
    cfg: BenchConfig, subjects: list[Subject], c: int, seconds: float, qs: QuestionSlices
) -> None:
    """Concurrency `c` for every live subject, in interleaved rounds, into `subject.results`."""
    live = [s for s in subjects if s.failure is None]
    rounds = cfg.rounds if len(live) > 1 else 1
    sources: dict[str, Iterator[str]] = {
        s.name: iter(qs.get(f"{s.questions}-c{c}", cfg.max_requests)) for s in live
    }
    for s in subjects:
        s.results[c] = LoadResult(c)
    for _ in range(rounds):
        for s in live:
            left = cfg.max_requests - len(s.results[c].latencies) - s.results[c].errors
            bodies = map(s.body, sources[s.name])
            got = run_load(s.server.url, s.path, bodies, c, left, seconds / rounds, LOOP_PROBE)
            s.results[c].add(got)


def _summaries(subject: Subject) -> dict[str, Any]:
    if subject.failure is None:
        return {str(c): r.summary() for c, r in subject.results.items()}
    status, text = subject.failure
    failed = {}
    for c in subject.results:
        result = LoadResult(c, seconds=1.0, first_error=f"HTTP {status}: {text}")
        result.statuses[status] = 1
        failed[str(c)] = {**result.summary(), "skipped": "every warm-up request failed"}
    return failed


def measure_size(
    cfg: BenchConfig,
    lay: Layout,
    work: Path,
    qs: QuestionSlices,
    concurrencies: tuple[int, ...],
    seconds: float,
    with_bare: bool,
) -> dict[str, Any]:
    """citedqa (and the bare service) over this size's stores: facts, runs, memory."""
    with ExitStack() as stack:
        ours = stack.enter_context(citedqa_server(lay.data_dir, lay.collection, work))
        out: dict[str, Any] = {"citedqa": _facts(ours, health=True)}
        subjects = _citedqa_subjects(cfg, ours, qs)
        out["citedqa"]["modes_supported"] = subjects[0].name != "default"
        out["citedqa"]["memory_after_warmup"] = {}
        for s in subjects:
            _warm_up(s, qs.get(f"warmup-{s.name}", cfg.warmup_requests))
            out["citedqa"]["memory_after_warmup"][s.name] = _memory(ours)
        if with_bare:
            bare = stack.enter_context(bare_server(lay.bare_path, lay.bare_collection, work))
            out["bare"] = _facts(bare, health=False)
            subjects.append(Subject("bare", bare, "/query", lambda q: {"question": q}, "vector"))
            _warm_up(subjects[-1], qs.get("warmup-bare", cfg.warmup_requests))
        for c in concurrencies:
            _load(cfg, subjects, c, seconds, qs)
        for s in subjects:
            side = out["bare" if s.name == "bare" else "citedqa"]
            side.setdefault("first_query_ms", {})[s.name] = s.cold_ms
            side.setdefault("runs", {})[s.name] = _summaries(s)
            side["memory"] = _memory(s.server)
    return out


def measure_ceiling(cfg: BenchConfig, work: Path, qs: QuestionSlices) -> dict[str, Any]:
    """The encoder alone, in-process, at each concurrency, on the vector runs' questions."""
    slices = {str(c): qs.get(f"vector-c{c}", cfg.max_requests) for c in cfg.concurrencies}
    return run_job("ceiling", {"questions": slices, "seconds": cfg.ceiling_seconds}, work, 600.0)


def measure_profile(
    cfg: BenchConfig, lay: Layout, work: Path, qs: QuestionSlices, modes: list[str]
) -> dict[str, Any]:
    """Median time per stage of one query, per retrieval mode ("default": no field)."""
    params = {
        "data_dir": str(lay.data_dir),
        "collection": lay.collection,
        "questions": {m: qs.get(f"profile-{m}", cfg.profile_questions) for m in modes},
    }
    return run_job("profile", params, work, 900.0)
