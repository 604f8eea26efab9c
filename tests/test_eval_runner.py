"""The HTTP runner and the CLI against a tiny stub of the service contract."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

from eval import cli
from eval.inprocess import serve_app
from eval.metrics import CITATION_VALIDITY, ERROR_RATE, HIT_AT_5, REFUSAL_ACCURACY
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

    @app.post("/v1/retrieve")
    def retrieve(body: dict) -> dict:
        chunks = [
            {"doc_id": d, "chunk_id": f"{d}:0", "text": "", "start": 0, "end": 1, "score": 1}
            for d in ("001_b", "000_a")
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
    summary = evaluate(base_url, questions, concurrency=2)
    by_id = {item.question.id: item for item in summary.questions}
    assert by_id["ok"].correct is True
    assert by_id["off"].citation_valid == (True, False)
    assert by_id["err"].observation.error is not None
    assert "500 Internal error: kaput" in by_id["err"].observation.error
    assert by_id["err"].correct is False
    assert summary.overall[HIT_AT_5] == 1.0
    assert summary.overall[CITATION_VALIDITY] == pytest.approx(2 / 3)
    assert summary.overall[REFUSAL_ACCURACY] == 1.0
    assert summary.overall[ERROR_RATE] == 0.25


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
    assert "| citation validity | 1.000 | >= 1.000 | pass |" in capsys.readouterr().out
    assert "## Per category" in (tmp_path / "out" / "report.md").read_text()


def test_cli_fails_gate_naming_questions(base_url: str, tmp_path: Path, capsys) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE, OFFSET_LINE], "[min]\ncitation_validity = 1.0\n")
    assert cli.main([*args, "--url", base_url]) == 1
    out = capsys.readouterr().out
    assert "FAIL citation_validity: 0.667, required >= 1.000, misses by 0.333" in out
    assert "q2 (0.500): offset?" in out


def test_cli_usage_errors(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    args = write_inputs(tmp_path, [GOOD_LINE], "[min]\nlatency_p50_ms = 1\n")
    assert cli.main([*args, "--url", "http://127.0.0.1:1"]) == 2
    assert "latency is reported, never gated" in capsys.readouterr().err

    args = write_inputs(tmp_path, [GOOD_LINE], "")
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
