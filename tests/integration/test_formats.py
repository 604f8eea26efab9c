"""Real documents end to end (issue 19): PDFs that read right, Office files, scanned pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from citedqa.formats import SUPPORTED_SUFFIXES
from citedqa.settings import Settings
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import (
    FERRY,
    HANDBOOK,
    handbook_pdf,
    make_docx,
    make_odt,
    make_pdf,
    make_pptx,
    scanned_pdf,
    settings_like,
)

HAS_TESSERACT = shutil.which("tesseract") is not None


def _ask(api: httpx.Client, question: str) -> dict:
    body: dict = api.post("/v1/query", json={"question": question}).json()
    assert not body["refused"], body
    return body


def test_pdf_answers_quote_whole_sentences_with_their_page(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "handbook.pdf").write_bytes(handbook_pdf(columns=2))
    assert ingest_path(settings, corpus, show_progress=False).documents["added"] == 1
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        text = api.get("/v1/documents/handbook").json()["text"]
        for question, sentence in [
            ("How often are fire drills held?", HANDBOOK[0]),
            ("What should I do in case of a chemical spill?", HANDBOOK[1]),
        ]:
            cite = _ask(api, question)["citations"][0]
            assert cite["quote"] in sentence and cite["page"] == 1
            assert text[cite["start"] : cite["end"]] == cite["quote"]
        spill = _ask(api, "What should I do in case of a chemical spill?")
        assert "4417" in " ".join(c["quote"] for c in spill["citations"])


def test_office_uploads_are_answered_and_the_page_accepts_them(settings: Settings) -> None:
    files = [
        ("files", ("timetable.docx", make_docx(), "application/octet-stream")),
        ("files", ("winter.pptx", make_pptx(), "application/octet-stream")),
        ("files", ("notes.odt", make_odt(), "application/octet-stream")),
    ]
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        page = api.get("/").text
        assert f'accept="{",".join(SUPPORTED_SUFFIXES)}"' in page and ".docx" in page
        response = api.post("/v1/documents", files=files)
        assert response.status_code == 201, response.text
        listed = {d["doc_id"]: d for d in api.get("/v1/documents").json()["documents"]}
        assert listed["timetable"]["title"] == "Ferry timetable"
        assert listed["timetable"]["author"] == "Jane Doe"
        body = _ask(api, "When does the ferry cross in winter?")
        assert any(FERRY[1].startswith(c["quote"].rstrip(".")) for c in body["citations"])
        deck = [c for c in body["citations"] if c["doc_id"] == "winter"]
        assert deck and deck[0]["page"] == 2  # the slide it is on


def test_scanned_pdf_without_ocr_is_reported_not_stored(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    scan = scanned_pdf("Scanned notice", HANDBOOK[:1])
    (corpus / "scan.pdf").write_bytes(scan)
    partial = scanned_pdf("Scanned notice", HANDBOOK[:1], make_pdf(["A text page on lamps."]))
    (corpus / "partial.pdf").write_bytes(partial)
    off = settings_like(settings, ocr="off")
    summary = ingest_path(off, corpus, show_progress=False)
    assert summary.documents["added"] == 1  # partial.pdf, its text page
    assert "OCR is off" in summary.unread["scan.pdf"] and "scan.pdf" in summary.skipped
    assert "pages 2 " in summary.unread["partial.pdf"]
    assert "no text read from: partial.pdf, scan.pdf" in summary.line()
    with serve_app(create_app(off)) as url, httpx.Client(base_url=url, timeout=60) as api:
        response = api.post(
            "/v1/documents", files=[("files", ("scan.pdf", scan, "application/pdf"))]
        )
        assert response.status_code == 422 and "scanned page" in response.json()["detail"]
        assert response.json()["detail"].endswith("OCR is off (CITEDQA_OCR=off)")
        assert "scan" not in {d["doc_id"] for d in api.get("/v1/documents").json()["documents"]}
        response = api.post(
            "/v1/documents", files=[("files", ("mixed.pdf", partial, "application/pdf"))]
        )
        assert response.status_code == 201 and response.json()["documents"][0]["unread_pages"] == [
            2
        ]


@pytest.mark.skipif(
    not HAS_TESSERACT and os.environ.get("CI") != "true",
    reason="tesseract-ocr is not installed (apt-get install tesseract-ocr); .ci/run installs it",
)
def test_scanned_pdf_is_read_by_ocr_and_answered(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scan.pdf").write_bytes(scanned_pdf("Scanned notice", HANDBOOK[:2]))
    summary = ingest_path(settings, corpus, show_progress=False)  # CITEDQA_OCR=auto
    assert summary.documents["added"] == 1 and not summary.unread
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        cite = _ask(api, "How often are fire drills held?")["citations"][0]
        assert cite["doc_id"] == "scan" and "every three months" in cite["quote"]
        assert cite["page"] == 1
