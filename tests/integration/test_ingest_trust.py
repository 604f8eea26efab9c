"""Ingest that users trust: formats, cleaning, metadata, near-duplicates, sync, bad files."""

import shutil
from pathlib import Path

import httpx
import pytest

from citedqa.cleaning import is_junk
from citedqa.components import make_embedder, open_store
from citedqa.documents import load_document, parse_document
from citedqa.sentences import sentence_spans
from citedqa.settings import Settings
from citedqa.terms import key_terms
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import ARTICLE_HTML, SEEDS, make_pdf

SEED_003 = SEEDS / "003_13bda4f2a4d9edd0.txt"
JUNK_003 = [
    "9.9 C",
    "Subscribe to our magazine",
    "━ more like this",
    "Please enter your comment!",
    "Please enter your name here",
]


def test_seed_003_junk_is_removed_and_no_article_sentence_is_lost() -> None:
    raw = SEED_003.read_text()
    doc = load_document(SEED_003, SEEDS)
    for junk in JUNK_003:
        assert junk in raw and junk not in doc.text
    article_lines = [
        line for line in raw.split("\n") if line.strip() and line.strip() not in JUNK_003
    ]
    for line in article_lines:
        for s, e in sentence_spans(line):
            assert line[s:e] in doc.text, f"lost: {line[s:e]!r}"
    assert doc.title.startswith("“Full support”")
    assert doc.metadata["outlet"] == "Biobiochile"


def test_junk_after_ingest_is_not_retrievable(api: httpx.Client) -> None:
    for junk in JUNK_003:
        for mode in ("bm25", "vector"):
            body = {"question": junk, "top_k": 50, "retrieval": mode}
            for chunk in api.post("/v1/retrieve", json=body).json()["chunks"]:
                assert junk not in chunk["text"]


@pytest.mark.parametrize(
    "line",
    [
        "The ministry said readers who subscribe to the state newsletter were warned in May.",
        "Share prices fell 4% on Monday.",
        "Copyright lawyers for the agency said the photos had been used without permission.",
        "He said: “Please enter your name here if you want to join the delegation,” and laughed.",
    ],
)
def test_article_sentences_with_web_words_are_kept(line: str) -> None:
    assert not is_junk(line)


def test_html_main_text_and_metadata_with_offsets(tmp_path: Path) -> None:
    doc = parse_document("harbour", ".html", ARTICLE_HTML.encode())
    assert "forty fishing boats" in doc.text
    for junk in ("cookies", "Subscribe", "Leave a reply", "Related stories", "Sport"):
        assert junk not in doc.text
    assert doc.title == "Harbour reopens after storm"
    assert doc.metadata == {"author": "Jane Doe", "date": "2024-03-05", "outlet": "Coastal Times"}


def test_pdf_pages_become_chunk_metadata_and_citations(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pages = [
        "The old lighthouse at Brannock Point was built in 1871 by the harbour board.",
        "Its lamp was converted to electricity in 1936 and automated in 1988.",
    ]
    (corpus / "lighthouse.pdf").write_bytes(make_pdf(pages))
    (corpus / "harbour.html").write_bytes(ARTICLE_HTML.encode())
    assert ingest_path(settings, corpus, show_progress=False).documents["added"] == 2
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        body = api.post("/v1/query", json={"question": "When was the lamp automated?"}).json()
        assert not body["refused"]
        cite = body["citations"][0]
        assert cite["doc_id"] == "lighthouse" and cite["page"] == 2
        text = api.get("/v1/documents/lighthouse").json()["text"]
        assert text[cite["start"] : cite["end"]] == cite["quote"]
        harbour = api.post("/v1/query", json={"question": "How many fishing boats returned?"})
        cite = harbour.json()["citations"][0]
        assert (cite["outlet"], cite["author"], cite["date"]) == (
            "Coastal Times",
            "Jane Doe",
            "2024-03-05",
        )


def test_near_duplicate_is_recorded_and_collapsed(api: httpx.Client) -> None:
    docs = {d["doc_id"][:3]: d for d in api.get("/v1/documents").json()["documents"]}
    assert docs["003"]["duplicate_of"] == docs["001"]["doc_id"]
    assert all(d["duplicate_of"] is None for k, d in docs.items() if k != "003")
    question = "What did Peskov say about cooperation in the space sector?"
    chunks = api.post("/v1/retrieve", json={"question": question, "top_k": 8}).json()["chunks"]
    assert any(c["also_reported_by"] for c in chunks), "the twin passage should be credited"
    twins = [c for c in chunks if c["doc_id"][:3] in {"001", "003"}]
    for a in twins:
        for b in twins:
            if a["doc_id"] < b["doc_id"]:  # one from each copy: must be different passages
                ta, tb = set(key_terms(a["text"])), set(key_terms(b["text"]))
                assert len(ta & tb) / len(ta | tb) < 0.5, (a["text"], b["text"])
    answer = api.post("/v1/query", json={"question": question}).json()
    assert any(c["also_reported_by"] for c in answer["citations"])


def test_sync_removes_missing_documents_and_skips_unchanged(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    ingest_path(settings, corpus, show_progress=False)
    (corpus / "002_461a0ca80c072bd6.txt").unlink()
    summary = ingest_path(settings, corpus, show_progress=False, sync=True)
    assert summary.documents["removed"] == 1 and summary.documents["unchanged"] == 4
    store = open_store(settings, make_embedder(settings))
    assert "002_461a0ca80c072bd6" not in store.manifest()
    assert not any(c.startswith("002_") for c in store.stored_chunk_ids())
    without_sync = ingest_path(settings, SEEDS, show_progress=False)
    assert without_sync.documents["added"] == 1


def test_bad_files_are_skipped_with_reasons(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nA fine article about bridges.")
    (corpus / "huge.txt").write_text("word " * 5000)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "page.html").write_text("<html><body><script>var x = 1;</script></body></html>")
    small = settings.model_copy(update={"max_file_bytes": 10_000})
    summary = ingest_path(small, corpus, show_progress=False)
    assert summary.documents["added"] == 1
    assert "over the 10,000-byte limit" in summary.failures["huge.txt"]
    assert "PDF" in summary.failures["broken.pdf"]
    assert "no article text" in summary.failures["page.html"]
