"""Request ids, one access log line per request with its stage timings, Prometheus metrics.

Every response carries `X-Request-ID` (asgi-correlation-id's middleware): the caller's own
when it is a sane token (so ids can follow a request across services), a fresh one otherwise.
`/metrics` serves the instrumentator's HTTP metrics plus per-stage latencies and
answered/refused counts; it is an API route, so it needs the API key when one is set.
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import Generator
from dataclasses import dataclass

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citedqa.models import Answer
from service.telemetry.timings import timed_request
from service.telemetry.tracing import Tracing, request_span

ACCESS_LOG = logging.getLogger("citedqa.access")
REQUEST_ID_HEADER = "X-Request-ID"
# Anything else (spaces, quotes, newlines, 200 characters) is not echoed into logs or headers.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")


@dataclass(frozen=True)
class Metrics:
    """This app's Prometheus registry and citedqa's own metrics in it."""

    registry: CollectorRegistry
    stage_seconds: Histogram
    answers: Counter


def install_metrics(app: FastAPI) -> Metrics:
    """HTTP metrics by route and `/metrics`, in a registry of this app's own."""
    registry = CollectorRegistry()  # per app: several apps in one process (tests) never clash
    ProcessCollector(registry=registry)
    GCCollector(registry=registry)
    metrics = Metrics(
        registry,
        Histogram(
            "citedqa_stage_seconds",
            "Time spent in each stage of answering (embed, retrieve, answer).",
            ["stage"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        ),
        Counter(
            "citedqa_answers_total",
            "Answers given, by outcome: answered (with citations) or refused.",
            ["outcome"],
            registry=registry,
        ),
    )
    instrumentator = Instrumentator(excluded_handlers=["/metrics"], registry=registry)
    instrumentator.instrument(app).expose(app, include_in_schema=False)
    app.state.metrics = metrics
    return metrics


def count_answer(request: Request, answer: Answer) -> None:
    """Count one answer as answered or refused."""
    metrics: Metrics | None = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.answers.labels("refused" if answer.refused else "answered").inc()


def counted(
    request: Request, items: Generator[str | Answer, None, None]
) -> Generator[str | Answer, None, None]:
    """A streamed answer, counting its final Answer; closing it closes `items` at once.

    The stream is driven from a thread of its own, which would start with empty context
    variables: each step runs in the request's context, for its request id and timings.
    """
    context = contextvars.copy_context()

    def steps() -> Generator[str | Answer, None, None]:
        try:
            while (item := context.run(next, items, None)) is not None:
                if isinstance(item, Answer):
                    count_answer(request, item)
                yield item
        finally:
            context.run(items.close)  # stops generation when the client has gone

    return steps()


def install_request_ids(app: FastAPI) -> None:
    """`X-Request-ID` in and out, and in context for the logs; outermost, so the access log
    and every middleware inside see the id."""
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=lambda given: _SANE_ID.fullmatch(given) is not None,
    )


class RequestContext:
    """Timings and the access log of each request (inside the request id's middleware)."""

    def __init__(
        self, app: ASGIApp, metrics: Metrics | None = None, tracing: Tracing | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # For the 500 handler, which answers from outside every middleware.
        scope.setdefault("state", {})["request_id"] = correlation_id.get()
        status = 500  # what the client gets if the app dies before answering

        async def send_seen(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with (
            request_span(self.tracing, scope["method"], scope["path"]) as span,
            timed_request(self.tracing.tracer if self.tracing else None) as timings,
        ):
            try:
                await self.app(scope, receive, send_seen)
            finally:
                if span is not None:
                    span.set_attribute("http.response.status_code", status)
                stages = timings.milliseconds()
                if self.metrics is not None:
                    for name, seconds in timings.stages.items():
                        self.metrics.stage_seconds.labels(name).observe(seconds)
                client = scope.get("client")
                fields = {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": stages.pop("total"),
                    "client": client[0] if client else None,
                }
                ACCESS_LOG.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"fields": fields | ({"stages_ms": stages} if stages else {})},
                )
