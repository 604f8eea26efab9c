"""The HTTP runner and the CLI against a tiny stub of the service contract."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

from eval import cli
from eval.catalog import CITATION_VALIDITY, ERROR_RATE, HIT_AT_1, HIT_AT_5, REFUSAL_RECALL
from eval.inprocess import serve_app
from eval.questions import Question
from eval.runner import evaluate

DOCS = {"000_a": "Putin met Kim Jong Un. They discussed railways.", "001_b": "Oil is scarce."}


def stub_app() -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/query", response_model=None)
    def query(body: dict) -> dict | JSONResponse:
        q = body["question"]
        if "boom" in q:
            problem = {"title": "Internal error", "detail": "kaput", "status": 500}
            return JSONResponse(problem, status_code=500, media_type="application/problem+json")
        if "weather" in q:
            return {"answer": "I cannot answer that.", "refused": True, "citations": []}
        good = {
            "doc_id": "000_a",
            "title": "t",
            "chunk_id": "000_a:0",
            "quote": "railways",
            "start": 38,
            "end": 46,
            "score": 0.8,
        }
        bad = {**good, "start": 37}  # wrong offset
        citations = [good, bad] if "offset" in q else [good]
        return {"answer": "They discussed railways [1].", "refused": False, "citations": citations}

    @app.post("/v1/retrieve", response_model=None)
    def retrieve(body: dict) -> dict | JSONResponse:
        mode = body.get("retrieval", "hybrid")
        if mode not in ("hybrid", "vector"):  # like a service without bm25
            problem = {"title": "Invalid input", "detail": "retrieval", "status": 422}
            return JSONResponse(problem, status_code=422, media_type="application/problem+json")
        ranked = ("000_a", "001_b") if mode == "vector" else ("001_b", "000_a")
        chunks = [
            {"doc_id": d, "chunk_id": f"{d}:0", "text": "", "start": 0, "end": 1, "score": 1}
            for d in ranked[: body["top_k"]]
        ]
        return {"chunks": chunks}

    @app.get("/v1/documents/{doc_id}")
    def document(doc_id: str) -> dict:
        if doc_id not in DOCS:
            raise HTTPException(404)
        return {
            "doc_id": doc_id,
            "title": "t",
            "text": DOCS[doc_id],
            "content_hash": "h",
            "chunks": 1,
        }

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_app(stub_app()) as url:
        yield url


def q(qid: str, text: str, answerable: bool = True) -> Question:
    answers = (("railways",),) if answerable else ()
    sources = ("000",) if answerable else ()
    return Question(qid, text, answers, sources, answerable, "cat")


def test_evaluate_over_http(base_url: str) -> None:
    questions = [
        q("ok", "what?"),
        q("off", "offset?"),
        q("err", "boom?"),
        q("no", "weather?", False),
    ]
    evaluation = evaluate(base_url, questions, concurrency=2)
    summary = evaluation.summary
    by_id = {item.question.id: item for item in summary.questions}
    assert by_id["ok"].correct is True
    assert by_id["off"].citation_valid == (True, False)
    assert by_id["err"].observation.error is not None
    assert "500 Internal error: kaput" in by_id["err"].observation.error
    assert by_id["err"].correct is False
    assert summary.value(HIT_AT_5) == 1.0
    assert summary.value(CITATION_VALIDITY) == pytest.approx(2 / 3)
    assert summary.value(REFUSAL_RECALL) == 1.0
    assert summary.value(ERROR_RATE) == 0.25
    # Retrieval comparison: bm25 is refused with 422, the other modes are scored.
    comparison = evaluation.retrieval
    assert list(comparison.modes) == ["hybrid", "vector"]
    assert comparison.modes["hybrid"].metrics[HIT_AT_1].value == 0.0
    assert comparison.modes["vector"].metrics[HIT_AT_1].value == 1.0
    assert comparison.note == "bm25: not accepted (422)"


def test_retrieval_comparison_skipped_when_no_mode_is_accepted(base_url: str) -> None:
    evaluation = evaluate(base_url, [q("ok", "what?")], modes=("bm25",))
    assert evaluation.retrieval.modes == {}
    assert evaluation.retrieval.note.startswith("skipped: the service does not accept")
    assert evaluation.summary.value(HIT_AT_1) == 0.0  # the default mode is still scored


def write_inputs(tmp_path: Path, lines: list[dict], thresholds: str) -> list[str]:
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    (tmp_path / "t.toml").write_text(thresholds, encoding="utf-8")
    return [
        "--questions",
        str(questions),
        "--thresholds",
        str(tmp_path / "t.toml"),
        "--out",
        str(tmp_path / "out"),
    ]


GOOD_LINE = {
    "id": "q1",
    "question": "what?",
    "answers": ["railways"],
    "sources": ["000"],
    "answerable": True,
    "category": "single_fact",
}
OFFSET_LINE = {**GOOD_LINE, "id": "q2", "question": "offset?"}


def test_cli_passes_and_writes_reports(base_url: str, tmp_path: Path, capsys) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE], "[min]\ncitation_validity = 1.0\n")
    assert cli.main([*args, "--url", base_url]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["gate"]["passed"] is True
    assert report["questions"][0]["citations"][0]["valid"] is True
    out = capsys.readouterr().out
    assert "| citation validity | 1.000 | [1.000, 1.000] | 1 | >= 1.000 | pass |" in out
    assert "retrieval comparison: bm25: not accepted (422)" in out
    markdown = (tmp_path / "out" / "report.md").read_text()
    for heading in ("## Per category", "## Retrieval comparison", "## Worst 10 questions"):
        assert heading in markdown
    assert (tmp_path / "out" / "metrics_by_category.png").read_bytes().startswith(b"\x89PNG")


def test_cli_fails_gate_naming_questions(base_url: str, tmp_path: Path, capsys) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE, OFFSET_LINE], "[min]\ncitation_validity = 1.0\n")
    assert cli.main([*args, "--url", base_url]) == 1
    out = capsys.readouterr().out
    assert "FAIL citation_validity: 0.667, required >= 1.000, misses by 0.333" in out
    assert "q2 (0.500): offset?" in out


def test_cli_compare_flags_significant_regressions(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [{**GOOD_LINE, "id": f"g{i}"} for i in range(8)]
    args = write_inputs(tmp_path, lines, "")
    assert cli.main([*args, "--url", base_url]) == 0
    old = tmp_path / "old.json"
    (tmp_path / "out" / "report.json").rename(old)
    capsys.readouterr()
    # The same questions, now all citing with a wrong offset: validity 1.0 -> 0.5 everywhere.
    args = write_inputs(tmp_path, [{**x, "question": "offset?"} for x in lines], "")
    assert cli.main([*args, "--url", base_url, "--compare", str(old)]) == 0  # no gate: exit 0
    out = capsys.readouterr().out
    assert "| citation validity | 1.000 | 0.500 | -0.500 | [-0.500, -0.500] | REGRESSED |" in out
    assert "Significant regressions: citation_validity" in out
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["comparison"]["paired_questions"] == 8


def test_cli_write_baseline(
    base_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE], "")
    monkeypatch.setattr(cli, "BASELINE_DIR", tmp_path / "baseline")
    monkeypatch.setattr(cli, "DEFAULT_CORPUS", tmp_path)
    monkeypatch.setattr(cli, "DEFAULT_QUESTIONS", tmp_path / "q.jsonl")
    monkeypatch.setattr(cli, "_service", lambda _args, _suite: nullcontext(base_url))
    assert cli.main([*args, "--corpus", str(tmp_path), "--write-baseline"]) == 0
    assert "baseline written" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / "baseline").iterdir())
    assert written == ["metrics_by_category.png", "report.json", "report.md"]
    # Only the seed eval, in-process, may overwrite the baseline.
    assert cli.main([*args, "--url", base_url, "--write-baseline"]) == 2
    assert "--write-baseline evaluates in-process" in capsys.readouterr().err
    assert cli.main([*args, "--corpus", str(tmp_path / "other"), "--write-baseline"]) == 2
    assert "needs the default --corpus and --questions" in capsys.readouterr().err
    baseline = [*args, "--corpus", str(tmp_path), "--write-baseline", "--split", "dev"]
    assert cli.main(baseline) == 2
    assert "--write-baseline records the gated test split" in capsys.readouterr().err


def test_cli_usage_errors(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE], "[min]\nlatency_p50_ms = 1\n")
    assert cli.main([*args, "--url", "http://127.0.0.1:1"]) == 2
    assert "latency is reported, never gated" in capsys.readouterr().err

    args = write_inputs(tmp_path, [GOOD_LINE], "")
    assert cli.main([*args, "--compare", str(tmp_path / "nope.json")]) == 2
    assert "report to compare with not found" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    assert cli.main([*args, "--compare", str(tmp_path / "bad.json")]) == 2
    assert "is not a readable eval report.json" in capsys.readouterr().err
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(cli, "URL_HEALTH_TIMEOUT_S", 0.1)
    assert cli.main([*args, "--url", dead]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: service at {dead} is not reachable")
    assert "Traceback" not in err

    assert cli.main(["--questions", str(tmp_path / "missing.jsonl")]) == 2
    assert "questions file not found" in capsys.readouterr().err
    assert cli.main([*args, "--corpus", str(tmp_path / "nodir")]) == 2
    assert "corpus folder not found" in capsys.readouterr().err


def test_cli_corpus_without_thresholds_gates_nothing(
    base_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reported bug: --corpus without --thresholds applied the seed thresholds."""
    args = write_inputs(tmp_path, [GOOD_LINE, OFFSET_LINE], "")  # validity 0.667 < seed 1.0
    args = [a for a in args if a not in ("--thresholds", str(tmp_path / "t.toml"))]
    monkeypatch.setattr(cli, "_service", lambda _args, _suite: nullcontext(base_url))
    assert cli.main([*args, "--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NOT GATED (no thresholds given: reported only): 2 test questions" in out
    assert "FAIL" not in out and ">= 1.000" not in out
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["gate"] == {
        "gated": False,
        "passed": None,
        "thresholds": {"min": {}, "max": {}},
        "failures": [],
    }
    assert report["config"]["thresholds"] == "none (not gated)"
    # With --thresholds, the same run is gated (and fails).
    gated = [*args, "--corpus", str(tmp_path), "--thresholds", str(tmp_path / "t.toml")]
    (tmp_path / "t.toml").write_text("[min]\ncitation_validity = 1.0\n", encoding="utf-8")
    assert cli.main(gated) == 1


def test_cli_split_selects_questions(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [{**GOOD_LINE, "id": f"q{i}", "split": "dev" if i % 2 else "test"} for i in range(5)]
    args = [*write_inputs(tmp_path, lines, ""), "--url", base_url]

    def asked(*extra: str) -> list[str]:
        assert cli.main([*args, *extra]) == 0
        report = json.loads((tmp_path / "out" / "report.json").read_text())
        return [q["id"] for q in report["questions"]]

    assert asked() == ["q0", "q2", "q4"]  # test by default
    assert asked("--split", "dev") == ["q1", "q3"]
    assert asked("--split", "all") == [f"q{i}" for i in range(5)]
    assert "2 dev questions in" in capsys.readouterr().out
    args = write_inputs(tmp_path, [GOOD_LINE], "")  # no split field: all test
    assert cli.main([*args, "--url", base_url, "--split", "dev"]) == 2
    assert "has no dev question (a file without split fields is all test)" in (
        capsys.readouterr().err
    )


def test_library_debug_logs_are_never_shown_and_info_only_when_verbose(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    library = logging.getLogger("bm25s")  # sets itself to DEBUG when imported
    monkeypatch.setattr(library, "level", logging.DEBUG)
    monkeypatch.setattr(root, "level", root.level)  # restored after the test
    for verbose in (False, True):
        monkeypatch.setattr(root, "handlers", [])  # as in a fresh `python -m eval`
        cli._configure_logging(verbose)
        library.debug("Building index from IDs")
        library.info("index built")
        library.warning("disk full")
        err = capsys.readouterr().err
        assert "WARNING bm25s: disk full" in err
        assert "Building index" not in err
        assert ("index built" in err) is verbose
