"""The ingest job against real embedded Chroma and the real embedder."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from citedqa.components import make_embedder, make_indexer, open_store
from citedqa.documents import parse_document
from citedqa.errors import EmbedderMismatchError
from citedqa.settings import Settings
from citedqa.store import Store, make_client
from ingest.job import ingest_path
from tests.helpers import ROOT, SEEDS, make_settings, store_state


def test_ingest_seeds_then_rerun_adds_nothing(settings: Settings) -> None:
    first = ingest_path(settings, SEEDS, show_progress=False)
    assert first.documents["added"] == 5
    assert first.chunks_written > 5
    chunks, manifest = store_state(settings)
    assert len(chunks) == first.chunks_written
    assert set(manifest) == {p.stem for p in SEEDS.glob("*.txt")}
    assert chunks == {c for ids in manifest.values() for c in ids}

    again = ingest_path(settings, SEEDS, show_progress=False)
    assert again.documents["unchanged"] == 5
    assert (again.chunks_written, again.chunks_removed) == (0, 0)
    assert store_state(settings) == (chunks, manifest)


def test_changed_document_replaces_its_chunks(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    ingest_path(settings, corpus, show_progress=False)
    target = corpus / "004_58f5a4662705265c.txt"
    target.write_text(target.read_text() + "\nA new closing sentence about trade.\n")
    summary = ingest_path(settings, corpus, show_progress=False)
    assert summary.documents["updated"] == 1 and summary.documents["unchanged"] == 4
    chunks, manifest = store_state(settings)
    assert chunks == {c for ids in manifest.values() for c in ids}, "old version chunks left behind"
    clean = make_settings(tmp_path / "clean")
    ingest_path(clean, corpus, show_progress=False)
    assert store_state(clean) == (chunks, manifest)


def test_leftovers_of_an_interrupted_run_are_cleaned(settings: Settings) -> None:
    ingest_path(settings, SEEDS, show_progress=False)
    expected = store_state(settings)
    # Simulate a run killed after writing a new version's chunks but before switching to it.
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    indexer = make_indexer(settings, embedder, store)
    doc = parse_document("000_9d67144c47e7efac", ".txt", b"Edited text that never got committed.")
    orphans = indexer.chunker.split(doc)
    vectors = embedder.encode([c.text for c in orphans])
    store.write_chunks(doc, orphans, vectors, [v[None, :] for v in vectors])
    assert store_state(settings) != expected
    summary = ingest_path(settings, SEEDS, show_progress=False)
    assert summary.chunks_removed == len(orphans)
    assert store_state(settings) == expected


def test_bad_files_are_skipped_and_reported(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A good article.\nIt has two lines.")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02")
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8")
    summary = ingest_path(settings, corpus, show_progress=False)
    assert summary.documents["added"] == 1
    # Not documents (no text, a type we do not read): skipped with a warning, not failures.
    assert set(summary.skipped) == {"empty.txt", "photo.jpg"}
    assert "unsupported file type" in summary.skipped["photo.jpg"]
    # A file of a supported type that cannot be read: a failure.
    assert set(summary.failures) == {"binary.txt"}


def _ingest_cli(corpus: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`python -m ingest CORPUS --quiet` as a user runs it, in a clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "ingest", str(corpus), "--quiet"],
        cwd=ROOT,
        env={"CITEDQA_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_progress_bar_ends_at_the_summary_chunk_count(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(f"Article {n}.\nThe river rose by {n} metres today.")
    summary = ingest_path(settings, corpus, show_progress=True)
    shown = re.findall(r"chunks=(\d+)", capsys.readouterr().err)
    assert summary.chunks_written == 3
    assert shown and int(shown[-1]) == summary.chunks_written


def test_cli_prints_summary_and_fails_on_bad_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Heading\n\nSome text here.")
    (corpus / "b.txt").write_bytes(b"\xff\xfe\xfa")
    run = _ingest_cli(corpus, tmp_path / "data")
    assert run.returncode == 1
    assert "1 added" in run.stdout and "1 failed" in run.stdout
    assert "b.txt: not valid UTF-8" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_cli_fails_a_file_whose_name_is_no_address(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "..txt").write_text("A note whose doc_id would be '.', which no URL can reach.")
    run = _ingest_cli(corpus / "..txt", tmp_path / "data")
    assert run.returncode == 1
    assert "0 added" in run.stdout and "1 failed" in run.stdout
    assert "..txt: unusable document name '.'" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_cli_skips_what_is_not_a_document_and_exits_0(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Heading\n\nSome text here.")
    (corpus / "tool.py").write_text("print(1)")
    (corpus / "empty.md").write_text("")
    run = _ingest_cli(corpus, tmp_path / "data")
    assert run.returncode == 0, run.stdout + run.stderr  # `ingest && serve` goes on
    assert "1 added" in run.stdout and "0 failed" in run.stdout and "2 skipped" in run.stdout
    assert "skipped tool.py: unsupported file type" in run.stdout + run.stderr


def test_other_embedder_collection_is_refused_with_a_fix(settings: Settings) -> None:
    client = make_client(settings)
    Store(client, settings.collection, "some-other-model")
    with pytest.raises(EmbedderMismatchError, match="Re-index"):
        open_store(settings, make_embedder(settings))


def test_invalid_setting_is_a_clear_cli_error(tmp_path: Path) -> None:
    env = {"CITEDQA_DATA_DIR": str(tmp_path), "CITEDQA_TOP_K": "zero", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "ingest", str(SEEDS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "CITEDQA_TOP_K" in run.stderr and "Traceback" not in run.stderr


def test_spaces_in_file_and_folder_names_become_underscores(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs" / "board minutes"
    folder.mkdir(parents=True)
    (folder / "March 2024 meeting.txt").write_text("The board approved the budget in March.\n")
    summary = ingest_path(settings, tmp_path / "docs", show_progress=False)
    assert not summary.failures
    assert set(store_state(settings)[1]) == {"board_minutes/March_2024_meeting"}


def test_two_files_with_one_doc_id_keep_the_first(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "port.md").write_text("# Port\n\nThe port opened in 1999 with two cranes.\n")
    (folder / "port.txt").write_text("Port\n\nThe port closed in 2005 after a storm.\n")
    for _ in range(2):  # the second run once emptied the document (pipelined ingest)
        summary = ingest_path(settings, folder, show_progress=False)
        assert summary.failures == {"port.txt": "same doc_id 'port' as port.md"}
        chunks, manifest = store_state(settings)
        assert set(manifest) == {"port"} and chunks == set(manifest["port"]) != set()
        assert summary.documents["failed"] == 1


def test_unchanged_verdict_is_rechecked_when_applied(settings: Settings) -> None:
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    indexer = make_indexer(settings, embedder, store)
    old = parse_document("port", ".txt", b"Port\n\nThe port opened in 1999 with two cranes.\n")
    new = parse_document("port", ".txt", b"Port\n\nThe port closed in 2005 after a storm.\n")
    indexer.index(old)
    embedded = indexer.embed(old)  # unchanged, at this moment
    assert embedded.unchanged is not None
    indexer.index(new)  # a write in between (ingest embeds ahead of its writer)
    outcome = indexer.apply(embedded)
    assert outcome.status == "updated"
    entry = store.manifest(["port"])["port"]
    assert entry.content_hash == old.content_hash
    assert store.stored_chunk_ids("port") == set(entry.chunk_ids) != set()


def test_store_calls_go_through_wrapped_collections(settings: Settings) -> None:
    """Store.wrap_collections: the hook bench uses to buffer writes (bench.stores)."""
    ingest_path(settings, SEEDS, show_progress=False)
    store = open_store(settings, make_embedder(settings))
    calls: list[tuple[str, str]] = []

    class Recorder:
        def __init__(self, collection: Any) -> None:
            self.collection = collection

        def __getattr__(self, name: str) -> Any:
            calls.append((self.collection.name, name))
            return getattr(self.collection, name)

    before = (store.count_chunks(), store.manifest())
    chunks, docs = store.wrap_collections(Recorder)
    assert isinstance(chunks, Recorder) and isinstance(docs, Recorder)
    assert (store.count_chunks(), store.manifest()) == before  # same records, same answers
    assert (settings.collection, "count") in calls
    assert (f"{settings.collection}-docs", "get") in calls


def test_near_duplicate_check_reads_each_candidate_once(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three copies of one article: the third is compared with both earlier ones, whose
    stored sentence vectors the second's check had already read (once each is enough)."""
    text = (SEEDS / "001_bf46565b3b65e965.txt").read_text()
    corpus = tmp_path / "copies"
    corpus.mkdir()
    for n, name in enumerate(("a", "b", "c")):
        (corpus / f"{name}.txt").write_text(text + f"\nCopy number {n} of the wire story.\n")
    reads: list[str] = []
    read = Store.sentence_vectors

    def counted(self: Store, doc_id: str) -> Any:
        reads.append(doc_id)
        return read(self, doc_id)

    monkeypatch.setattr(Store, "sentence_vectors", counted)
    summary = ingest_path(settings, corpus, show_progress=False)
    assert summary.documents["added"] == 3
    assert sorted(reads) == sorted(set(reads)) == ["a", "b"]
    manifest = open_store(settings, make_embedder(settings)).manifest()
    assert manifest["b"].duplicate_of == manifest["c"].duplicate_of == "a"
