"""Command line ``python -m eval``: exit 0 when every gate passes, 1 when one fails, 2 on usage
errors.

By default it evaluates the seed suite (``seeds/`` with ``eval/questions.jsonl``) and every
held-out corpus under ``eval/corpora/`` (see eval/suites.py), on the test split.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eval import bootstrap
from eval.compare import PreviousRun, compare, format_comparison, load_previous
from eval.errors import UsageError
from eval.formats import corpus_formats
from eval.gate import Thresholds, check_gate, format_failures, load_thresholds
from eval.inprocess import serve_corpus
from eval.markdown import overall_table
from eval.modes import MODES
from eval.questions import ALL, DEV, TEST, Question, load_questions, select
from eval.report import Report
from eval.runner import evaluate
from eval.suites import Suite, default_suites, single_suite

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
DEFAULT_CORPUS = REPO_ROOT / "seeds"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_THRESHOLDS = EVAL_DIR / "thresholds.toml"
CORPORA_DIR = EVAL_DIR / "corpora"
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
    about = (__doc__ or "").replace("``", "")  # the docstring's code marks are not for --help
    p = argparse.ArgumentParser(prog="python -m eval", description=about)
    p.add_argument(
        "--corpus",
        type=Path,
        help="evaluate this one folder instead of the suites (with --questions; default: seeds/)",
    )
    p.add_argument(
        "--questions",
        type=Path,
        help="JSONL question file of that one suite (default: eval/questions.jsonl)",
    )
    p.add_argument("--url", help="evaluate a running service instead of an in-process one")
    p.add_argument(
        "--api-key",
        default=os.environ.get("CITEDQA_API_KEY") or None,
        help="with --url: the service's API key, sent as a bearer token (default: "
        "$CITEDQA_API_KEY); the in-process service needs none",
    )
    p.add_argument(
        "--collection",
        help="with --url: ask this collection of the service (default: its default collection)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=EVAL_DIR / "out",
        help="where to write the reports: OUT/<suite>/ for the suites, OUT/ for one "
        "--corpus/--questions/--url suite (default: eval/out/)",
    )
    p.add_argument(
        "--thresholds",
        type=Path,
        help="gate thresholds (default: eval/thresholds.toml for the seed questions, each "
        "corpus's own thresholds.toml; none, so no gate, with --corpus or --questions)",
    )
    p.add_argument(
        "--split",
        choices=(DEV, TEST, ALL),
        default=TEST,
        help="which questions to ask: tune on dev, gate on test (default: test; a question "
        "file without split fields is all test)",
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
        help="print deltas against an earlier report.json, flagging significant regressions "
        "(of the seed suite, or of the one suite)",
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
    _configure_logging(args.verbose)
    try:
        return run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _configure_logging(verbose: bool) -> None:
    """Warnings only, unless ``-v`` (then info; debug lines never).

    The level is set on our handler, not only on the root logger: a library that sets its
    own logger's level (bm25s sets DEBUG when it is imported, mid-run) is not held back by
    the root level. A root logger that already has handlers (an embedding application, a
    test runner) is left alone.
    """
    root = logging.getLogger()
    existing = list(root.handlers)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for handler in root.handlers:
        if handler not in existing:
            handler.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise


@dataclass(frozen=True)
class Planned:
    """A suite with its inputs loaded: every input is checked before any service starts."""

    suite: Suite
    questions: list[Question]
    thresholds: Thresholds | None


def run(args: argparse.Namespace) -> int:
    """Plan the suites, evaluate each, print a verdict line per suite; 1 if any failed."""
    if args.collection and not args.url:
        raise UsageError("--collection names a collection of the --url service; give --url")
    suites = plan(args)
    every = _all_suites(args)
    if args.write_baseline:
        _check_baseline_run(args, suites)
    planned = [_load(suite, args.split, single=not every) for suite in suites]
    previous = load_previous(args.compare) if args.compare else None
    verdicts: list[str] = []
    failed = False
    for index, item in enumerate(planned):
        name = item.suite.name
        if every:
            print(("\n" if index else "") + f"== suite {name} ==")
        if not item.questions:
            verdicts.append(f"{name}: SKIPPED (no {args.split} question)")
            print(f"skipped: {_shown(item.suite.questions)} has no {args.split} question")
            continue
        report, paths = run_suite(args, item, previous if index == 0 else None)
        if args.write_baseline and item.suite.is_seed:
            _write_baseline(paths)
        failed = failed or not report.passed
        verdicts.append(f"{name}: {_verdict(report, len(item.questions), args.split)}")
    if every:
        print("\n" + "\n".join(verdicts))
    return EXIT_FAIL if failed else EXIT_PASS


def plan(args: argparse.Namespace) -> list[Suite]:
    """The suites to run: one for ``--corpus``/``--questions``/``--url``, else all of them.

    One suite is gated only by ``--thresholds``, except the seed questions asked of a running
    service (``--url`` alone), which keep the seed thresholds: any other corpus or question
    file would be judged by bounds set for the seeds.
    """
    if _all_suites(args):
        thresholds = args.thresholds or DEFAULT_THRESHOLDS
        return default_suites(DEFAULT_CORPUS, DEFAULT_QUESTIONS, thresholds, CORPORA_DIR, args.out)
    corpus = None if args.url else (args.corpus or DEFAULT_CORPUS)
    questions = args.questions or DEFAULT_QUESTIONS
    thresholds = args.thresholds
    if thresholds is None and args.corpus is None and args.questions is None:
        thresholds = DEFAULT_THRESHOLDS
    is_seed = (corpus is None or corpus.resolve() == DEFAULT_CORPUS) and (
        questions.resolve() == DEFAULT_QUESTIONS
    )
    return [single_suite(corpus, questions, thresholds, args.out, is_seed=is_seed)]


def _all_suites(args: argparse.Namespace) -> bool:
    """True unless ``--corpus``, ``--questions`` or ``--url`` names the one suite to run."""
    return args.corpus is None and args.questions is None and not args.url


def _load(suite: Suite, split: str, *, single: bool) -> Planned:
    questions = select(load_questions(suite.questions), split)
    if not questions and single:
        raise UsageError(
            f"{suite.questions} has no {split} question (a file without split fields is all "
            "test); choose another --split"
        )
    thresholds = load_thresholds(suite.thresholds) if suite.thresholds else None
    if suite.corpus is not None and not suite.corpus.exists():
        raise UsageError(f"corpus folder not found: {suite.corpus}")
    return Planned(suite, questions, thresholds)


def run_suite(
    args: argparse.Namespace, item: Planned, previous: PreviousRun | None
) -> tuple[Report, list[Path]]:
    """Evaluate one suite in its own service, write its reports and print its table."""
    suite, questions = item.suite, item.questions
    started_at, started = datetime.now(UTC), time.monotonic()
    with _service(args, suite) as base_url:
        evaluation = evaluate(
            base_url,
            questions,
            top_k=args.top_k,
            concurrency=args.concurrency,
            timeout=args.timeout,
            health_timeout=URL_HEALTH_TIMEOUT_S if args.url else INPROCESS_HEALTH_TIMEOUT_S,
            formats=corpus_formats(suite.corpus) if suite.corpus is not None else None,
            collection=args.collection,
            api_key=args.api_key if args.url else None,
        )
    summary = evaluation.summary
    config = {
        "suite": suite.name,
        "service": args.url or "in-process",
        "corpus": None if suite.corpus is None else _shown(suite.corpus),
        "questions": _shown(suite.questions),
        "split": args.split,
        "question_count": len(questions),
        "thresholds": _shown(suite.thresholds) if suite.thresholds else "none (not gated)",
        "top_k": args.top_k,
        "concurrency": args.concurrency,
        "retrieval_modes_probed": ", ".join(MODES),
        "bootstrap": f"{bootstrap.SAMPLES} resamples, seed {bootstrap.SEED}",
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - started, 2),
    }
    thresholds = item.thresholds
    report = Report(
        summary,
        evaluation.retrieval,
        thresholds or Thresholds(),
        check_gate(summary, thresholds) if thresholds else [],
        config,
        compare(summary, previous) if previous else None,
        gated=thresholds is not None,
    )
    try:
        paths = report.write(suite.out)
    except OSError as exc:
        raise UsageError(f"cannot write reports to {suite.out}: {exc}") from None
    _print_summary(report, len(questions), args.split, paths[1])
    return report, paths


def _verdict(report: Report, count: int, split: str) -> str:
    """PASS, FAIL or NOT GATED, with what was asked and how long it took."""
    verdict = "PASS" if report.passed else "FAIL"
    if not report.gated:
        verdict = "NOT GATED (no thresholds given: reported only)"
    seconds = report.config["duration_s"]
    questions = "questions" if split == ALL else f"{split} questions"
    return f"{verdict}: {count} {questions} in {seconds}s"


def _print_summary(report: Report, count: int, split: str, md_path: Path) -> None:
    print(overall_table(report))
    if report.retrieval.note:
        print(f"\nretrieval comparison: {report.retrieval.note}")
    if report.comparison:
        print("\n" + format_comparison(report.comparison))
    if report.failures:
        print("\n" + format_failures(report.failures))
    print(f"\n{_verdict(report, count, split)}; report: {md_path}")


def _check_baseline_run(args: argparse.Namespace, suites: list[Suite]) -> None:
    """The committed baseline is the seed eval: refuse to overwrite it with anything else."""
    if args.url:
        raise UsageError("--write-baseline evaluates in-process; drop --url")
    seed = next((s for s in suites if s.is_seed), None)
    if seed is None:
        raise UsageError(
            "--write-baseline needs the default --corpus and --questions; for your own corpus "
            "keep a report with --out DIR and compare with --compare DIR/report.json"
        )
    if args.split != TEST:
        raise UsageError("--write-baseline records the gated test split; drop --split")
    if seed.out.resolve() == BASELINE_DIR:
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


def _service(args: argparse.Namespace, suite: Suite) -> AbstractContextManager[str]:
    """The base URL to evaluate: ``--url`` as is, or an in-process service over the corpus."""
    if args.url or suite.corpus is None:
        return nullcontext(args.url)
    return serve_corpus(suite.corpus, settings=suite.settings, show_progress=args.verbose)
