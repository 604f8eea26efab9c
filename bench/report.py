"""The run's results as JSON and as a Markdown report."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

R = dict[str, Any]
SCALING_HEADERS = tuple(
    "chunks|vectors|retrieval|p50 ms|p95 ms|first query ms|startup s|/health ms|"
    "RSS idle MB|RSS after its warm-up MB|peak RSS MB (end)".split("|")
)
VERDICT = {True: "✅ pass", False: "❌ FAIL", None: "– not measured"}


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _stores(r: R) -> str:
    synthetic = [b for k, b in r["builds"].items() if b and "reused" in b]
    return (
        "synthetic stores reused from the cache" if synthetic else "every store built in this run"
    )


def _header(r: R) -> list[str]:
    m, c = r["meta"], r["config"]
    lines = [
        "# citedqa benchmark",
        "",
        f"{m['date']} · commit {m['commit']}{' (uncommitted changes)' if m['dirty'] else ''} · "
        f"{m['cores']} cores ({m['cpu']}) · {m['memory_gb']} GB · Python {m['python']} · "
        f"run took {m.get('seconds', 0):.0f} s ({_stores(r)}) · `uv run python -m bench"
        f"{' --quick' if c['quick_mode'] else ''}"
        f"{' --ingest-only' if c.get('ingest_only') else ''}`",
        "",
        f"Load average {m['loadavg_start']} at start, {m.get('loadavg_end', '–')} at end "
        f"(per step in report.json): on a shared machine other processes compete for the same "
        f"cores, so timings are noisy; compare ratios measured back to back, not single numbers.",
        "",
    ]
    if c["quick_mode"]:
        lines += ["**Quick mode: a smoke test, the numbers mean nothing.**", ""]
    return lines


def _measured(t: R) -> str:
    if t["measured"] is None:
        return t.get("note") or "–"
    return f"{t['measured']:,.2f}{t['unit']}"


def _targets(r: R) -> list[str]:
    rows = [(t["target"], _measured(t), VERDICT[t["pass"]]) for t in r["targets"]]
    return ["## Targets", "", *_table(("target", "measured", "result"), rows)]


def _pairs(i: R) -> list[str]:
    """One row per interleaved round: both sides' rates under the same load."""
    rows = [
        (
            p["round"],
            p["first"],
            f"{p['loadavg'][0]:.1f}–{p['loadavg'][1]:.1f}",
            p["ingest_chunks_per_s"],
            p["encoder_chunks_per_s"],
            f"{p['ratio']:.3f}",
            f"{p['encoder_share']:.3f}",
        )
        for p in i.get("pairs", [])
    ]
    if not rows:
        return []
    headers = ("round", "first", "load", "ingest chunks/s", "encoder chunks/s", "ratio", "share")
    return [
        "Interleaved rounds (each a fresh ingest and a fresh encoder, back to back; the order",
        "alternates; share: encoder time inside that ingest ÷ its time):",
        "",
        *_table(headers, rows),
    ]


def _ingest(r: R) -> list[str]:
    i = r["ingest"]
    if not i:
        return []
    n = len(i.get("pairs", [])) or 1
    lines = [
        f"## Ingest: {i['chunks']:,} chunks in {i['documents']:,} documents, embedded for real",
        "",
    ]
    lines += _table(
        ("", "chunks/s", "seconds"),
        [
            ("ingest (`ingest_path`, as `python -m ingest`)", i["chunks_per_s"], i["seconds"]),
            (
                "bare encoder on the same chunk texts",
                i["encoder"]["chunks_per_s"],
                i["encoder"]["seconds"],
            ),
            (f"ratio (median of {n} interleaved pairs)", f"{i['ratio']:.3f}", ""),
            ("encoder time inside ingest ÷ ingest time (median)", f"{i['encoder_share']:.3f}", ""),
        ],
    )
    rows = [(k, v, 100 * v / i["seconds"]) for k, v in i["stages"].items()]
    return [
        *lines,
        *_pairs(i),
        "Where ingest time went (busy time of each stage, median over the rounds; writing runs",
        "on its own thread, at the same time as the next document's embedding, so the shares",
        "may add up past 100%):",
        "",
        *_table(("stage", "seconds", "% of ingest"), rows),
    ]


def _run_row(what: str, mode: str, c: str, s: R) -> tuple[Any, ...]:
    citedqa = what.startswith("citedqa")
    refused = f"{100 * s['refused'] / s['n']:.0f}%" if citedqa and s.get("n") else "–"
    probe = s.get("probe", {}).get("p99_ms")
    percentiles = (s.get("p50_ms"), s.get("p95_ms"), s.get("p99_ms"))
    return (what, mode, c, *percentiles, s["throughput"], s["errors"], refused, probe)


def _http(r: R) -> list[str]:
    h, size = r["http"], r["config"]["main_size"]
    rows = [
        _run_row(*_what(mode), c, s) for mode, runs in h["citedqa"].items() for c, s in runs.items()
    ]
    rows += [_run_row("bare llama-index /query", "vector", c, s) for c, s in h["bare"].items()]
    rows += [
        _run_row(f"encoder alone, {variant}", "–", c, s)
        for variant, runs in h["encoder"].items()
        for c, s in runs.items()
    ]
    headers: tuple[str, ...] = ("what", "retrieval", "concurrency", "p50 ms", "p95 ms")
    headers += ("p99 ms", "req/s")
    headers += ("errors", "refused", "loop probe p99 ms")
    ratios = [
        (
            "{} ({})".format(*_what(mode)),
            c,
            _ratio(s, h["bare"].get(c, {})),
            _ratio(s, h["encoder"].get("per request", {}).get(c, {})),
        )
        for mode, runs in h["citedqa"].items()
        for c, s in runs.items()
    ]
    return [
        f"## Query latency and throughput over HTTP at {size:,} chunks",
        "",
        *_table(headers, rows),
        "Throughput ratios (the same distinct questions, so no cache hits):",
        "",
        *_table(("citedqa", "concurrency", "÷ bare", "÷ encoder alone"), ratios),
        *_memory_line(r),
    ]


def _what(subject: str) -> tuple[str, str]:
    """(route, retrieval mode) of a citedqa subject: a /v1/query mode or /v1/retrieve."""
    if subject == "retrieve":  # bench.measuring.RETRIEVE, in the default mode
        return "citedqa /v1/retrieve", "default"
    return "citedqa /v1/query", subject


def _memory_line(r: R) -> list[str]:
    ours, bare = (
        r["scaling"].get(str(r["config"]["main_size"])) or {},
        r["http"].get("bare_service"),
    )
    if not ours or not bare or "memory" not in bare:
        return []
    return [
        f"Memory after these runs: citedqa {ours['memory']['rss_mb']:,.0f} MB "
        f"(peak {ours['memory']['peak_mb']:,.0f}, idle {ours['rss_idle_mb']:,.0f}); bare "
        f"llama-index {bare['memory']['rss_mb']:,.0f} MB (peak {bare['memory']['peak_mb']:,.0f}, "
        f"idle {bare['rss_idle_mb']:,.0f}).",
        "",
    ]


def _ratio(a: R, b: R) -> str:
    if not a.get("n") or not b.get("throughput"):
        return "–"
    return f"{a['throughput'] / b['throughput']:.2f}×"


def _scaling(r: R) -> list[str]:
    rows = []
    for size, s in sorted(r["scaling"].items(), key=lambda kv: int(kv[0])):
        if not s:
            continue
        real = r["config"]["real_max"] >= int(size)
        for mode, runs in s["runs"].items():
            one = runs.get("1", {})
            rows.append(
                (
                    int(size),
                    "real" if real else "synthetic",
                    mode,
                    one.get("p50_ms"),
                    one.get("p95_ms"),
                    s.get("first_query_ms", {}).get(mode),
                    s["startup_s"],
                    s["health_ms"],
                    s["rss_idle_mb"],
                    s["memory_after_warmup"][mode]["rss_mb"],
                    s["memory"]["peak_mb"],
                )
            )
    return [
        "## Scaling: concurrency 1, per corpus size",
        "",
        *_table(SCALING_HEADERS, rows),
        "![latency and memory vs corpus size](report.png)",
        "",
    ]


def _profile(r: R) -> list[str]:
    p = r["profile"]
    if not p:
        return []
    modes = [m for m in p if m != "missing_stages" and "error" not in p[m]]  # older reports
    failed = [f"- {m}: every request failed: `{p[m]['error']}`" for m in p if "error" in p[m]]
    size = r["config"]["main_size"]
    lines = [f"## Where one query's time goes (median ms, c=1, {size:,} chunks)", ""]
    if modes:
        stages = list(p[modes[0]])
        lines += _table(("stage", *modes), [(s, *(p[m][s] for m in modes)) for s in stages])
    if failed:
        lines += [*failed, ""]
    return lines


def _one_line(text: str) -> str:
    return " / ".join(line.strip() for line in text[:600].splitlines() if line.strip())


def _errors(r: R) -> list[str]:
    if not r["errors"]:
        return []
    return [
        "## Errors",
        "",
        *(f"- **{e['step']}**: `{_one_line(e['error'])}`" for e in r["errors"]),
        "",
    ]


def write_reports(results: R, out_dir: Path) -> tuple[Path, Path]:
    """report.json and report.md in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    parts: tuple[Callable[[R], list[str]], ...] = (
        _header,
        _targets,
        _ingest,
        _http,
        _scaling,
        _profile,
        _errors,
    )
    if results["config"].get("ingest_only"):  # the other parts measured nothing
        parts = (_header, _targets, _ingest, _errors)
    md_path.write_text("\n".join(line for part in parts for line in part(results)))
    return json_path, md_path
