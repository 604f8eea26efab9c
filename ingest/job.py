"""Walk a folder, index every supported file, and report what changed."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from citedqa.components import make_embedder, make_indexer, open_store, shared_store
from citedqa.documents import doc_id_for
from citedqa.errors import (
    EmptyDocumentError,
    InvalidInputError,
    NoTextLayerError,
    UnsupportedTypeError,
)
from citedqa.indexer import DocOutcome
from citedqa.isolation import ParserPool
from citedqa.ocr import ocr_options, unavailable
from citedqa.orphans import sweep_orphans
from citedqa.settings import Settings
from ingest.reading import ReadAhead


@dataclass
class IngestSummary:
    """Counts of one ingest run."""

    documents: Counter[str] = field(default_factory=Counter)  # added/updated/unchanged/...
    chunks_written: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    duplicates: dict[str, str] = field(default_factory=dict)  # doc_id -> duplicate of
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # path -> reason
    # Files that are not documents (unsupported type, no text): warned about, not failures.
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason
    # Scanned PDFs (or pages) left without text: OCR off or unavailable.
    unread: dict[str, str] = field(default_factory=dict)  # path -> what was not read

    def add(self, outcome: DocOutcome) -> None:
        """Count one indexed document."""
        self.documents[outcome.status] += 1
        self.chunks_written += outcome.chunks_written
        self.chunks_unchanged += outcome.chunks - outcome.chunks_written
        self.chunks_removed += outcome.chunks_removed
        if outcome.duplicate_of:
            self.duplicates[outcome.doc_id] = outcome.duplicate_of

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        docs = self.documents
        rate = self.chunks_written / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{docs['added'] + docs['updated'] + docs['unchanged'] + docs['failed']} documents "
            f"({docs['added']} added, {docs['updated']} updated, {docs['unchanged']} unchanged, "
            f"{docs['failed']} failed, {docs['removed']} removed, {len(self.skipped)} skipped, "
            f"{len(self.duplicates)} near-duplicates); chunks: {self.chunks_written} added, "
            f"{self.chunks_unchanged} unchanged, {self.chunks_removed} removed; "
            f"{self.seconds:.1f}s ({rate:.1f} chunks/s)"
            + (f"; no text read from: {', '.join(self.unread)}" if self.unread else "")
        )


def discover(root: Path) -> list[Path]:
    """Every regular, non-hidden file under `root`, in a stable order."""
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def ingest_path(
    settings: Settings, root: Path, show_progress: bool = True, sync: bool = False
) -> IngestSummary:
    """Index every file under `root`; with `sync`, also remove documents no longer there."""
    root = root.resolve()
    if not root.exists():
        raise InvalidInputError(f"{root} does not exist")
    base = root.parent if root.is_file() else root
    started = time.perf_counter()
    paths = discover(root)
    owners: dict[str, str] = {}  # doc_id → the file it came from
    ocr = ocr_options(settings)
    # Three stages: a reader thread parses the next files (in a worker process, each within
    # CITEDQA_PARSE_TIMEOUT; ingest.reading) while this thread chunks and embeds a document
    # and `writer` writes the one before it (Chroma and the encoder work at once; documents
    # stay in order). The parser pool and the first reads start before the model loads.
    # The bar is advanced by hand: iterating it would close it as the last path is taken,
    # before that document's chunks are counted (it ended 31 chunks short of the summary's 37).
    with (
        closing(ParserPool(1, settings.parse_timeout, ocr)) as parser,
        closing(ReadAhead(paths, base, settings.max_file_bytes, parser.parse)) as files,
    ):
        embedder = make_embedder(settings)
        store = open_store(settings, embedder)
        summary = IngestSummary()
        summary.chunks_removed += sweep_orphans(store, shared_store(settings))
        indexer = make_indexer(settings, embedder, store)
        with (
            tqdm(total=len(paths), unit="doc", desc="ingest", disable=not show_progress) as bar,
            ThreadPoolExecutor(1, thread_name_prefix="ingest-writer") as writer,
        ):
            writing: Future[DocOutcome] | None = None
            for path, read in files:
                bar.update(1)
                name = str(path.relative_to(base))
                doc_id = doc_id_for(path, base)
                try:
                    if doc_id in owners:  # a.md and a.txt: one would silently replace the other
                        raise InvalidInputError(f"same doc_id {doc_id!r} as {owners[doc_id]}")
                    owners[doc_id] = name
                    doc = read.result()
                except (UnsupportedTypeError, EmptyDocumentError) as exc:
                    summary.skipped[name] = exc.message
                    if isinstance(exc, NoTextLayerError):
                        summary.unread[name] = exc.message
                    bar.write(f"skipped {name}: {exc.message}")
                    continue
                except (InvalidInputError, OSError) as exc:
                    reason = exc.message if isinstance(exc, InvalidInputError) else str(exc)
                    summary.failures[name] = reason
                    summary.documents["failed"] += 1
                    bar.write(f"failed {name}: {reason}")
                    continue
                if doc.unread_pages:
                    pages = ", ".join(map(str, doc.unread_pages))
                    summary.unread[name] = (
                        f"scanned pages {pages} have no text ({unavailable(ocr)})"
                    )
                    bar.write(f"{name}: {summary.unread[name]}")
                embedded = indexer.embed(doc)
                if writing is not None:
                    summary.add(writing.result())
                    bar.set_postfix(chunks=summary.chunks_written)
                writing = writer.submit(indexer.apply, embedded)
            if writing is not None:
                summary.add(writing.result())
                bar.set_postfix(chunks=summary.chunks_written)
    if sync:
        # A file that failed to load still exists: keep its last good version.
        for doc_id in sorted(indexer.known() - set(owners)):
            summary.chunks_removed += indexer.remove(doc_id)
            summary.documents["removed"] += 1
    summary.seconds = time.perf_counter() - started
    return summary
