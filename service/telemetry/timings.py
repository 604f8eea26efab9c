"""Per-request stage timings (embed, retrieve, answer), without threading them through calls.

The request middleware opens a `Timings` for each request in a context variable; code on the
read path wraps its stages in `stage(name)`, which is a no-op when no request is being timed.
Stages are exclusive: a stage nested in another is not counted in the outer one. When the
request is traced (`service/telemetry/tracing.py`), each stage is also a span.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

_CURRENT: ContextVar[Timings | None] = ContextVar("citedqa_timings", default=None)


@dataclass
class Timings:
    """Seconds spent in each stage of one request, and when the request started."""

    started: float = field(default_factory=time.perf_counter)
    stages: dict[str, float] = field(default_factory=dict)
    _nested: list[float] = field(default_factory=list)  # time of inner stages, per open stage
    tracer: Tracer | None = None  # when set, every stage is a span too

    def elapsed(self) -> float:
        """Seconds since the request started."""
        return time.perf_counter() - self.started

    def milliseconds(self) -> dict[str, float]:
        """Every stage, and `total`, in milliseconds (rounded to 0.1 ms)."""
        out = {name: round(s * 1000, 1) for name, s in self.stages.items()}
        return out | {"total": round(self.elapsed() * 1000, 1)}


def current() -> Timings | None:
    """The timings of the request being served, if any."""
    return _CURRENT.get()


@contextmanager
def timed_request(tracer: Tracer | None = None) -> Iterator[Timings]:
    """Open a `Timings` for the code run inside (and the threads it hands work to)."""
    timings = Timings(tracer=tracer)
    token = _CURRENT.set(timings)
    try:
        yield timings
    finally:
        _CURRENT.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time inside against stage `name` of the current request."""
    timings = _CURRENT.get()
    if timings is None:
        yield
        return
    start = time.perf_counter()
    timings._nested.append(0.0)
    try:
        if timings.tracer is None:
            yield
        else:
            with timings.tracer.start_as_current_span(name):
                yield
    finally:
        spent = time.perf_counter() - start
        inner = timings._nested.pop()
        timings.stages[name] = timings.stages.get(name, 0.0) + spent - inner
        if timings._nested:
            timings._nested[-1] += spent
