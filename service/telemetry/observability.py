"""Request ids, one access log line per request with its stage timings, Prometheus metrics.

Every response carries `X-Request-ID` (asgi-correlation-id's middleware): the caller's own
when it is a sane token (so ids can follow a request across services), a fresh one otherwise.
`/metrics` serves prometheus-fastapi-instrumentator's default HTTP metrics plus per-stage
latencies and answered/refused counts; it is an API route, so it needs the API key when one
is set. The HTTP metrics (same names, labels and buckets as the instrumentator's) are
counted by `RequestContext`, which already sees every request's status and time: the
instrumentator's own middleware matched the path against every route, built a Request and
a Response and ran an `asyncio.gather` for each request (0.1 ms of GIL a request at c=8).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from cachetools import LRUCache
from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Histogram, Summary
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator, routing
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citedqa.models import Answer
from service.telemetry.timings import timed_request
from service.telemetry.tracing import Tracing, request_span

ACCESS_LOG = logging.getLogger("citedqa.access")
REQUEST_ID_HEADER = "X-Request-ID"
# Anything else (spaces, quotes, newlines, 200 characters) is not echoed into logs or headers.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
# The instrumentator's default buckets: fine ones without labels, three by route.
_FINE_BUCKETS: tuple[float, ...] = (
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    2.5,
    3.0,
    3.5,
)
_FINE_BUCKETS += (4.0, 4.5, 5.0, 7.5, 10.0, 30.0, 60.0)
_ROUTE_BUCKETS = (0.1, 0.5, 1)
_UNCOUNTED = "/metrics"  # the scrapes themselves


@dataclass(frozen=True)
class HttpMetrics:
    """prometheus-fastapi-instrumentator's default metrics, counted without its middleware."""

    requests: Counter
    request_bytes: Summary
    response_bytes: Summary
    seconds_fine: Histogram
    seconds: Histogram
    # (method, path) -> route template: matching a path against every route cost more
    # than the rest of the counting; the routes do not change once the app is built.
    _handlers: LRUCache[tuple[str, str], str] = field(default_factory=lambda: LRUCache(4096))

    @classmethod
    def register(cls, registry: CollectorRegistry) -> HttpMetrics:
        """The five metrics, in `registry`."""
        by_route = ["handler"]
        return cls(
            Counter(
                "http_requests_total",
                "Total number of requests by method, status and handler.",
                ["method", "status", "handler"],
                registry=registry,
            ),
            Summary(
                "http_request_size_bytes",
                "Content length of incoming requests by handler.",
                by_route,
                registry=registry,
            ),
            Summary(
                "http_response_size_bytes",
                "Content length of outgoing responses by handler.",
                by_route,
                registry=registry,
            ),
            Histogram(
                "http_request_duration_highr_seconds",
                "Latency with many buckets but no API specific labels.",
                buckets=_FINE_BUCKETS,
                registry=registry,
            ),
            Histogram(
                "http_request_duration_seconds",
                "Latency with only few buckets by handler.",
                ["method", "handler"],
                buckets=_ROUTE_BUCKETS,
                registry=registry,
            ),
        )

    def handler(self, scope: Scope) -> str:
        """The route template a request goes to ("none" when no route takes it)."""
        key = (scope["method"], scope["path"])
        found = self._handlers.get(key)
        if found is None:
            name = routing.get_route_name(HTTPConnection(scope), should_include_root_path=False)
            found = self._handlers[key] = name or "none"
        return found

    def count(
        self, scope: Scope, handler: str, status: int, seconds: float, response_bytes: int
    ) -> None:
        """One request, as the instrumentator counted it (status grouped: "2xx")."""
        if _UNCOUNTED in handler:
            return
        method = scope["method"]
        self.requests.labels(method, f"{str(status)[0]}xx", handler).inc()
        self.request_bytes.labels(handler).observe(_content_length(scope.get("headers", ())))
        self.response_bytes.labels(handler).observe(response_bytes)
        self.seconds_fine.observe(seconds)
        self.seconds.labels(method, handler).observe(seconds)


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


@dataclass(frozen=True)
class Metrics:
    """This app's Prometheus registry and citedqa's own metrics in it."""

    registry: CollectorRegistry
    stage_seconds: Histogram
    answers: Counter
    http: HttpMetrics


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
        HttpMetrics.register(registry),
    )
    # The instrumentator only serves /metrics; RequestContext counts the requests.
    Instrumentator(registry=registry).expose(app, include_in_schema=False)
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
        response_bytes = 0
        started = time.perf_counter()
        # Before the app runs: routing rewrites the scope's path for what it mounts.
        handler = self.metrics.http.handler(scope) if self.metrics is not None else ""

        async def send_seen(message: Message) -> None:
            nonlocal status, response_bytes
            if message["type"] == "http.response.start":
                status = message["status"]
                response_bytes = _content_length(message.get("headers", ()))
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
                    spent = time.perf_counter() - started
                    self.metrics.http.count(scope, handler, status, spent, response_bytes)
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
