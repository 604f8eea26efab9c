"""The write path for one document: chunk, embed, write, switch the manifest, clean up.

The order makes a replace safe without transactions: new chunks are written first (their
ids differ from the old version's), then the manifest switches to them, then whatever
else is stored for the document is deleted. A run killed at any point leaves either the
old or the new version active, and the next run converges to exactly the new chunk set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from citedqa.chunking import Chunker
from citedqa.embedder import Embedder
from citedqa.models import Document
from citedqa.store import Store

Status = Literal["added", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class DocOutcome:
    """What indexing one document did."""

    doc_id: str
    status: Status
    chunks: int
    chunks_written: int
    chunks_removed: int


class Indexer:
    """Keeps the store's copy of each document equal to its current text."""

    def __init__(self, store: Store, embedder: Embedder, chunker: Chunker) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker

    def index(self, doc: Document) -> DocOutcome:
        """Make `doc` the active version in the store; a no-op when it is already."""
        current = self.store.manifest([doc.doc_id]).get(doc.doc_id)
        stored = self.store.stored_chunk_ids(doc.doc_id)
        if (
            current is not None
            and current.content_hash == doc.content_hash
            and current.chunker == self.chunker.config_id
        ):
            stale = stored - set(current.chunk_ids)
            self.store.delete_chunks(stale)  # leftovers of a run killed after its switch
            return DocOutcome(doc.doc_id, "unchanged", len(current.chunk_ids), 0, len(stale))
        chunks = self.chunker.split(doc)
        ids = [c.chunk_id for c in chunks]
        missing = [c for c in chunks if c.chunk_id not in stored]
        vectors, sentence_vectors = self.embedder.encode_with_spans(
            [c.text for c in missing],
            [[(s - c.start, e - c.start) for s, e in c.sentences] for c in missing],
        )
        self.store.write_chunks(missing, {doc.doc_id: doc.title}, vectors, sentence_vectors)
        self.store.commit_document(doc, ids, self.chunker.config_id)
        stale = stored - set(ids)
        self.store.delete_chunks(stale)
        status: Status = "added" if current is None else "updated"
        return DocOutcome(doc.doc_id, status, len(chunks), len(missing), len(stale))

    def remove(self, doc_id: str) -> int:
        """Remove a document and its chunks; returns the number of chunks removed."""
        return self.store.remove_document(doc_id)
