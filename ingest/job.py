"""Walk a folder, index every supported file, and report what changed."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from citedqa.components import make_embedder, make_indexer, open_store
from citedqa.documents import load_document
from citedqa.errors import InvalidInputError
from citedqa.settings import Settings


@dataclass
class IngestSummary:
    """Counts of one ingest run."""

    documents: Counter[str] = field(default_factory=Counter)  # added/updated/unchanged/failed
    chunks_written: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # path -> reason

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        docs = self.documents
        rate = self.chunks_written / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{sum(docs.values())} documents ({docs['added']} added, {docs['updated']} updated, "
            f"{docs['unchanged']} unchanged, {docs['failed']} failed); chunks: "
            f"{self.chunks_written} added, {self.chunks_unchanged} unchanged, "
            f"{self.chunks_removed} removed; {self.seconds:.1f}s ({rate:.1f} chunks/s)"
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


def ingest_path(settings: Settings, root: Path, show_progress: bool = True) -> IngestSummary:
    """Index every file under `root` into the configured store; bad files are reported."""
    root = root.resolve()
    if not root.exists():
        raise InvalidInputError(f"{root} does not exist")
    base = root.parent if root.is_file() else root
    started = time.perf_counter()
    embedder = make_embedder(settings)
    indexer = make_indexer(settings, embedder, open_store(settings, embedder))
    summary = IngestSummary()
    paths = discover(root)
    with tqdm(paths, unit="doc", desc="ingest", disable=not show_progress) as bar:
        for path in bar:
            try:
                doc = load_document(path, base)
            except (InvalidInputError, OSError) as exc:
                reason = exc.message if isinstance(exc, InvalidInputError) else str(exc)
                summary.failures[str(path.relative_to(base))] = reason
                summary.documents["failed"] += 1
                bar.write(f"skipped {path.relative_to(base)}: {reason}")
                continue
            outcome = indexer.index(doc)
            summary.documents[outcome.status] += 1
            summary.chunks_written += outcome.chunks_written
            summary.chunks_unchanged += outcome.chunks - outcome.chunks_written
            summary.chunks_removed += outcome.chunks_removed
            bar.set_postfix(chunks=summary.chunks_written)
    summary.seconds = time.perf_counter() - started
    return summary
