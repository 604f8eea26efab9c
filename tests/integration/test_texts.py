"""Citations are checked only against the exact document version their chunk came from."""

from __future__ import annotations

from pathlib import Path

from citedqa.components import open_store
from citedqa.embedder import MiniLMEmbedder
from citedqa.models import content_hash
from ingest.job import ingest_path
from service.qa.texts import DocumentTexts
from tests.helpers import make_settings


def test_text_is_given_only_for_its_own_version(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    settings = make_settings(tmp_path / "data")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "port.txt").write_text("Harbour news\n\nThe port opened in 1999.\n")
    ingest_path(settings, folder, show_progress=False)
    store = open_store(settings, embedder)
    texts = DocumentTexts(store)
    first = store.document_text("port")
    assert first is not None and "1999" in first
    assert texts.get("port", content_hash(first)) == first

    (folder / "port.txt").write_text("Harbour news\n\nThe port opened in 2001.\n")
    ingest_path(settings, folder, show_progress=False)
    second = store.document_text("port")
    assert second is not None and "2001" in second
    assert texts.get("port", content_hash(second)) == second  # not the cached first version
    assert texts.get("port", content_hash(first)) is None  # that version is gone
    assert texts.get("port", "0" * 64) is None
    assert texts.get("no-such-doc", content_hash(second)) is None
