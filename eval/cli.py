"""Command line ``python -m eval``: exit 0 when the gate passes, 1 when not, 2 on usage errors."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from eval import bootstrap
from eval.compare import compare, format_comparison, load_previous
from eval.errors import UsageError
from eval.gate import check_gate, format_failures, load_thresholds
from eval.inprocess import serve_corpus
from eval.markdown import overall_table
from eval.modes import MODES
from eval.questions import load_questions
from eval.report import Report
from eval.runner import evaluate

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
DEFAULT_CORPUS = REPO_ROOT / "seeds"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
BASELINE_DIR = EVAL_DIR / "baseline"

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
URL_HEALTH_TIMEOUT_S = 5.0
INPROCESS_HEALTH_TIMEOUT_S = 60.0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (defaults are relative to the repository root)."""
    p = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    p.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="folder to ingest in in-process mode (default: seeds/)",
    )
    p.add_argument(
        "--questions",
        type=Path,
        default=DEFAULT_QUESTIONS,
        help="JSONL question file (default: eval/questions.jsonl)",
    )
    p.add_argument("--url", help="evaluate a running service instead of an in-process one")
    p.add_argument(
        "--out",
        type=Path,
        default=EVAL_DIR / "out",
        help="where to write report.json and report.md (default: eval/out/)",
    )
    p.add_argument(
        "--thresholds",
        type=Path,
        default=EVAL_DIR / "thresholds.toml",
        help="gate thresholds (default: eval/thresholds.toml)",
    )
    p.add_argument("--top-k", type=_positive_int, default=5, help="top_k for /v1/query")
    p.add_argument("--concurrency", type=_positive_int, default=4, help="parallel questions")
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=60.0,
        help="per-request timeout in seconds (default: 60)",
    )
    p.add_argument(
        "--compare",
        type=Path,
        metavar="OLD.json",
        help="print deltas against an earlier report.json, flagging significant regressions",
    )
    p.add_argument(
        "--write-baseline",
        action="store_true",
        help="also copy the reports to eval/baseline/ (seed corpus and questions, in-process only)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; return the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    try:
        return run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    """Load inputs, evaluate, write the reports, print the summary and apply the gate."""
    questions = load_questions(args.questions)
    thresholds = load_thresholds(args.thresholds)
    previous = load_previous(args.compare) if args.compare else None
    if args.write_baseline:
        _check_baseline_run(args)
    started_at, started = datetime.now(UTC), time.monotonic()
    with _service(args) as base_url:
        evaluation = evaluate(
            base_url,
            questions,
            top_k=args.top_k,
            concurrency=args.concurrency,
            timeout=args.timeout,
            health_timeout=URL_HEALTH_TIMEOUT_S if args.url else INPROCESS_HEALTH_TIMEOUT_S,
        )
    summary = evaluation.summary
    config = {
        "service": args.url or "in-process",
        "corpus": None if args.url else _shown(args.corpus),
        "questions": _shown(args.questions),
        "question_count": len(questions),
        "top_k": args.top_k,
        "concurrency": args.concurrency,
        "retrieval_modes_probed": ", ".join(MODES),
        "bootstrap": f"{bootstrap.SAMPLES} resamples, seed {bootstrap.SEED}",
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - started, 2),
    }
    report = Report(
        summary,
        evaluation.retrieval,
        thresholds,
        check_gate(summary, thresholds),
        config,
        compare(summary, previous) if previous else None,
    )
    try:
        paths = report.write(args.out)
    except OSError as exc:
        raise UsageError(f"cannot write reports to {args.out}: {exc}") from None
    _print_summary(report, len(questions), paths[1])
    if args.write_baseline:
        _write_baseline(paths)
    return EXIT_PASS if report.passed else EXIT_FAIL


def _print_summary(report: Report, count: int, md_path: Path) -> None:
    print(overall_table(report))
    if report.retrieval.note:
        print(f"\nretrieval comparison: {report.retrieval.note}")
    if report.comparison:
        print("\n" + format_comparison(report.comparison))
    if report.failures:
        print("\n" + format_failures(report.failures))
    verdict = "PASS" if report.passed else "FAIL"
    seconds = report.config["duration_s"]
    print(f"\n{verdict}: {count} questions in {seconds}s; report: {md_path}")


def _check_baseline_run(args: argparse.Namespace) -> None:
    """The committed baseline is the seed eval: refuse to overwrite it with anything else."""
    if args.url:
        raise UsageError("--write-baseline evaluates in-process; drop --url")
    same = args.corpus.resolve() == DEFAULT_CORPUS and args.questions.resolve() == DEFAULT_QUESTIONS
    if not same:
        raise UsageError(
            "--write-baseline needs the default --corpus and --questions; for your own corpus "
            "keep a report with --out DIR and compare with --compare DIR/report.json"
        )
    if args.out.resolve() == BASELINE_DIR:
        raise UsageError("--out must not be the baseline folder; --write-baseline copies there")


def _write_baseline(paths: list[Path]) -> None:
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copyfile(path, BASELINE_DIR / path.name)
    print(f"baseline written: {', '.join(_shown(BASELINE_DIR / p.name) for p in paths)}")


def _shown(path: Path) -> str:
    """A path relative to the repository when inside it (stable in the committed baseline)."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


def _service(args: argparse.Namespace) -> AbstractContextManager[str]:
    """The base URL to evaluate: ``--url`` as is, or an in-process service over ``--corpus``."""
    if args.url:
        return nullcontext(args.url)
    if not args.corpus.exists():
        raise UsageError(f"corpus folder not found: {args.corpus}")
    return serve_corpus(args.corpus, show_progress=args.verbose)
