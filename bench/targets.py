"""The speed targets, checked against a run's results (they live here, not in timed tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Results = dict[str, Any]
RETRIEVE = "retrieve"  # bench.measuring.RETRIEVE: the /v1/retrieve subject's name


class ServiceFailed(Exception):
    """The service failed the requests a target is measured on: the target is not met."""


@dataclass(frozen=True)
class Target:
    """A measured value that must stay at or under (`at_most`) or at or over a limit."""

    name: str
    limit: float
    at_most: bool
    unit: str
    measure: Callable[[Results], float | None]

    def check(self, results: Results) -> dict[str, Any]:
        """{target, measured, unit, pass, note}; pass is None when nothing was measured."""
        note = ""
        try:
            value = self.measure(results)
        except ServiceFailed as exc:
            value, note = None, str(exc)
        except (KeyError, TypeError, ZeroDivisionError):
            value = None
        if value is not None:
            passed: bool | None = value <= self.limit if self.at_most else value >= self.limit
        else:
            passed = False if note else None
        sign = "≤" if self.at_most else "≥"
        return {
            "target": f"{self.name} {sign} {self.limit:g}{self.unit}",
            "measured": None if value is None else round(value, 3),
            "unit": self.unit,
            "pass": passed,
            "note": note,
        }


def _http(r: Results, mode: str, c: int) -> dict[str, Any]:
    run: dict[str, Any] = r["http"]["citedqa"][mode][str(c)]
    if not run.get("n") and run.get("errors"):
        error = str(run.get("first_error", ""))
        detail = error.partition('"detail":"')[2].partition('"')[0] or error[:160]
        raise ServiceFailed(f"all {run['errors']} requests failed: {detail}")
    return run


def _default_mode(r: Results) -> str:
    return str(r["http"]["default_mode"])


def targets(r: Results) -> list[Target]:
    """The issue's targets, with the main size and retrieval modes of this run."""
    size = r["config"]["main_size"]
    default = _default_mode(r)
    out = [
        Target(
            "ingest chunks/s ÷ bare encoder chunks/s (median of interleaved pairs)",
            0.90,
            False,
            "",
            lambda r: r["ingest"]["ratio"],
        ),
        Target(
            "ingest: encoder time ÷ ingest time, same run (load-drift free)",
            0.90,
            False,
            "",
            lambda r: r["ingest"]["encoder_share"],
        ),
    ]
    for m in r["http"]["citedqa"]:
        if m == RETRIEVE:  # retrieval alone does less than an answer: it must beat bare more
            out += _mode_targets(size, m, "/v1/retrieve (default mode)", 1.5)
            continue
        label = f"/v1/query {m} (the default)" if m == default else f"/v1/query {m}"
        out += _mode_targets(size, m, label, 1.0)
    out += [
        Target(
            f"peak RSS of the service at {size:,} chunks, after all runs",
            600.0,
            True,
            " MB",
            lambda r: r["http"]["rss"]["peak_mb"],
        ),
        Target(
            f"RSS of the service at {size:,} chunks after all runs (steady state)",
            600.0,
            True,
            " MB",
            lambda r: r["http"]["rss"]["rss_mb"],
        ),
        Target(
            f"RSS of the service at {size:,} chunks after its vector warm-up",
            600.0,
            True,
            " MB",
            lambda r: r["scaling"][str(r["config"]["main_size"])]["memory_after_warmup"]["vector"][
                "rss_mb"
            ],
        ),
    ]
    return out


def check_all(results: Results) -> list[dict[str, Any]]:
    """Every target's verdict."""
    return [t.check(results) for t in targets(results)]


def _mode_targets(size: int, m: str, label: str, over_bare: float) -> list[Target]:
    """The latency and throughput targets of one subject (a /v1/query mode or /v1/retrieve):
    at c=8 at least `over_bare` times the bare pipeline's throughput."""
    return [
        Target(
            f"p50 at {size:,} chunks, c=1, {label}",
            50.0,
            True,
            " ms",
            lambda r: _http(r, m, 1)["p50_ms"],
        ),
        Target(
            f"p95 at {size:,} chunks, c=1, {label}",
            150.0,
            True,
            " ms",
            lambda r: _http(r, m, 1)["p95_ms"],
        ),
        Target(
            f"req/s at c=8, {label} ÷ bare llama-index",
            over_bare,
            False,
            "×",
            lambda r: _http(r, m, 8)["throughput"] / r["http"]["bare"]["8"]["throughput"],
        ),
        Target(
            f"req/s at c=8, {label} ÷ encoder alone",
            0.90,
            False,
            "×",
            lambda r: (
                _http(r, m, 8)["throughput"]
                / r["http"]["encoder"]["per request"]["8"]["throughput"]
            ),
        ),
        Target(
            f"event-loop probe p99 while {label} queries run at c=8",
            50.0,
            True,
            " ms",
            lambda r: r["http"]["citedqa"][m]["8"]["probe"]["p99_ms"],
        ),
    ]
