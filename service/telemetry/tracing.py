"""Optional OpenTelemetry tracing: a span per request, per stage and per LLM call.

`CITEDQA_OTEL=off` (the default) imports nothing from OpenTelemetry and every span here is a
no-op. `otlp` exports to an OTLP/gRPC collector, configured by OpenTelemetry's own
variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, ...); `console` prints each
span as JSON on stdout (for a look without a collector). The packages are the `otel` extra.

The stages timed by `service/telemetry/timings.py` become spans through the request's
`Timings`, which carries the tracer: code on the read path needs no tracing calls of its own.
The tracer provider is this app's, not OpenTelemetry's global one, so that several apps in
one process (tests) never share or replace each other's.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citedqa.settings import Settings
from service.telemetry.timings import current

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer


@dataclass(frozen=True)
class Tracing:
    """A tracer and the provider that exports its spans (flushed and closed by `close`)."""

    tracer: Tracer
    provider: TracerProvider

    def close(self) -> None:
        """Export what is pending and stop the exporter."""
        self.provider.shutdown()


def start_tracing(settings: Settings) -> Tracing | None:
    """The app's tracing as `CITEDQA_OTEL` says; None when off."""
    if settings.otel == "off":
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SimpleSpanProcessor,
    )

    processor: SpanProcessor
    if settings.otel == "console":
        # sys.stdout as it is now (the exporter's default is the one of its import).
        processor = SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stdout))
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())
    provider = TracerProvider(resource=Resource.create({"service.name": "citedqa"}))
    provider.add_span_processor(processor)
    return Tracing(provider.get_tracer("citedqa"), provider)


@contextmanager
def request_span(tracing: Tracing | None, method: str, path: str) -> Iterator[Span | None]:
    """The server span of one request (None when tracing is off)."""
    if tracing is None:
        yield None
        return
    from opentelemetry.trace import SpanKind

    attributes = {"http.request.method": method, "url.path": path}
    with tracing.tracer.start_as_current_span(
        f"{method} {path}", kind=SpanKind.SERVER, attributes=attributes
    ) as span:
        yield span


@contextmanager
def llm_span(system: str, model: str) -> Iterator[None]:
    """A span around one LLM call of the current request (GenAI attribute names)."""
    timings = current()
    if timings is None or timings.tracer is None:
        yield
        return
    attributes = {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": system,
        "gen_ai.request.model": model,
    }
    with timings.tracer.start_as_current_span(f"chat {model}", attributes=attributes):
        yield
