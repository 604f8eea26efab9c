"""Measuring the servers, the encoder and one query's stages.

At a size, citedqa (one subject per retrieval mode) and, at the largest size, the bare
llama-index service and the encoder alone run side by side; each is warmed up, then loaded
in interleaved rounds (citedqa vector, citedqa hybrid, bare, encoder, again ...) so that a
change in the machine's load hits all of them alike and their ratios stay meaningful.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import profile
from bench.building import Layout
from bench.ceiling import VARIANTS, EncoderWorker
from bench.config import BenchConfig
from bench.jobs import run_job
from bench.load import LoadResult, probe_idle, run_load
from bench.questions import QuestionSlices
from bench.servers import Server, ServerFailed, bare_server, citedqa_server

RETRIEVE = "retrieve"  # the subject posting to /v1/retrieve (others: /v1/query, per mode)
LOOP_PROBE = "/openapi.json"  # an async FastAPI route: answered on the event loop itself
Body = Callable[[str], dict[str, Any]]
# (concurrency, the run's question slice, request budget, seconds) -> what the run saw
Runner = Callable[[int, list[str], int, float], LoadResult]


class HttpRunner:
    """Load over HTTP; later rounds go on with the slice's next questions (never repeat)."""

    def __init__(self, server: Server, path: str, body: Body) -> None:
        self.server, self.path, self.body = server, path, body
        self._sources: dict[int, Iterator[str]] = {}

    def __call__(self, c: int, questions: list[str], budget: int, seconds: float) -> LoadResult:
        source = self._sources.setdefault(c, iter(questions))
        bodies = map(self.body, source)
        return run_load(self.server.url, self.path, bodies, c, budget, seconds, LOOP_PROBE)


@dataclass
class Subject:
    """One thing under load, and what its runs saw."""

    name: str  # "vector", "hybrid", "default" (citedqa), "bare", or an encoder variant
    side: str  # "citedqa", "bare" or "encoder": where its results are reported
    run: Runner
    questions: str  # the slice's name: the bare service and encoder reuse citedqa's vector one
    seconds: float  # per concurrency, over all rounds
    cold_ms: float = 0.0  # the first request's latency
    failure: tuple[int, str, int] | None = None  # (status, body, count): warm-up all failed
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


def _citedqa_subjects(
    cfg: BenchConfig, server: Server, qs: QuestionSlices, seconds: float
) -> list[Subject]:
    """One subject per retrieval mode; only the default when the field is refused (422)."""
    check = {"question": qs.get("mode-check", 1)[0], "retrieval": "vector"}
    accepted = _post(server, "/v1/query", check)[0] == 200
    modes: list[str | None] = list(cfg.modes) if accepted else [None]

    def body(mode: str | None) -> Body:
        return lambda q: {"question": q, **({"retrieval": mode} if mode else {})}

    subjects = [
        Subject(
            m or "default",
            "citedqa",
            HttpRunner(server, "/v1/query", body(m)),
            m or "default",
            seconds,
        )
        for m in modes
    ]
    # Retrieval alone, in the default mode: what the bare pipeline does, plus BM25 and fusion.
    retrieve = HttpRunner(server, "/v1/retrieve", _bare_body)
    return [*subjects, Subject(RETRIEVE, "citedqa", retrieve, RETRIEVE, seconds)]


def _warm_up(subject: Subject, questions: list[str]) -> None:
    runner = subject.run
    assert isinstance(runner, HttpRunner)
    answers = [_post(runner.server, runner.path, runner.body(q)) for q in questions]
    subject.cold_ms = round(answers[0][1], 1)
    if all(status != 200 for status, _, _ in answers):
        subject.failure = (answers[0][0], answers[0][2][:300], len(answers))


def _load(cfg: BenchConfig, subjects: list[Subject], c: int, qs: QuestionSlices) -> None:
    """Concurrency `c` for every live subject, in interleaved rounds, into `subject.results`."""
    live = [s for s in subjects if s.failure is None]
    rounds = cfg.rounds if len(live) > 1 else 1
    for s in subjects:
        s.results[c] = LoadResult(c)
    slices = {s.name: qs.get(f"{s.questions}-c{c}", cfg.max_requests) for s in live}
    for _ in range(rounds):
        for s in live:
            done = s.results[c]
            left = cfg.max_requests - len(done.latencies) - done.errors
            done.add(s.run(c, slices[s.name], left, s.seconds / rounds))


def _summaries(subject: Subject) -> dict[str, Any]:
    if subject.failure is None:
        return {str(c): r.summary() for c, r in subject.results.items()}
    status, text, count = subject.failure
    failed = {}
    for c in subject.results:
        result = LoadResult(c, seconds=1.0, first_error=f"HTTP {status}: {text}")
        result.statuses[status] = count
        failed[str(c)] = {**result.summary(), "skipped": "every warm-up request failed"}
    return failed


def _bare_body(question: str) -> dict[str, Any]:
    return {"question": question}


def _encoder_subjects(cfg: BenchConfig, worker: EncoderWorker) -> list[Subject]:
    def runner(variant: str) -> Runner:
        # The encoder keeps no cache: each round may start the slice again.
        return lambda c, qs, budget, secs: worker.run(variant, c, qs[: cfg.max_requests], secs)

    return [Subject(v, "encoder", runner(v), "vector", cfg.ceiling_seconds) for v in VARIANTS]


def measure_size(
    cfg: BenchConfig,
    lay: Layout,
    work: Path,
    qs: QuestionSlices,
    concurrencies: tuple[int, ...],
    seconds: float,
    main: bool,
) -> dict[str, Any]:
    """citedqa over this size's stores (at the main size with the bare service and the
    encoder alongside): start-up facts, warm-up, interleaved runs, memory."""
    with ExitStack() as stack:
        ours = stack.enter_context(citedqa_server(lay.data_dir, lay.collection, work))
        out: dict[str, Any] = {"citedqa": _facts(ours, health=True)}
        subjects = _citedqa_subjects(cfg, ours, qs, seconds)
        out["citedqa"]["modes_supported"] = subjects[0].name != "default"
        out["citedqa"]["memory_after_warmup"] = {}
        for s in subjects:
            _warm_up(s, qs.get(f"warmup-{s.name}", cfg.warmup_requests))
            out["citedqa"]["memory_after_warmup"][s.name] = _memory(ours)
        servers = {"citedqa": ours}
        if main:
            try:
                bare = stack.enter_context(bare_server(lay.bare_path, lay.bare_collection, work))
            except ServerFailed as exc:  # e.g. llama-index-vector-stores-chroma not installed
                out["bare"] = {"error": str(exc)}
            else:
                servers["bare"] = bare
                out["bare"] = _facts(bare, health=False)
                runner = HttpRunner(bare, "/query", _bare_body)
                subjects.append(Subject("bare", "bare", runner, "vector", seconds))
                _warm_up(subjects[-1], qs.get("warmup-bare", cfg.warmup_requests))
            subjects += _encoder_subjects(cfg, stack.enter_context(EncoderWorker(work)))
        for c in concurrencies:
            _load(cfg, subjects, c, qs)
        for s in subjects:
            side = out.setdefault(s.side, {})
            if s.side != "encoder":
                side.setdefault("first_query_ms", {})[s.name] = s.cold_ms
            side.setdefault("runs", {})[s.name] = _summaries(s)
        for name, server in servers.items():
            out[name]["memory"] = _memory(server)
    return out


def measure_profile(
    cfg: BenchConfig, lay: Layout, work: Path, qs: QuestionSlices, modes: list[str]
) -> dict[str, Any]:
    """Median time per stage of one query, per retrieval mode ("default": no field)."""
    params = {
        "data_dir": str(lay.data_dir),
        "collection": lay.collection,
        "questions": {m: qs.get(f"profile-{m}", cfg.profile_questions) for m in modes},
    }
    return run_job(profile.measure_profile, params, work, 900.0)
