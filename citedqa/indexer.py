"""The write path for one document: chunk, embed, write, switch the manifest, clean up.

The order makes a replace safe without transactions: new chunks are written first (their
ids differ from the old version's), then the manifest switches to them, then whatever
else is stored for the document is deleted. A run killed at any point leaves either the
old or the new version active, and the next run converges to exactly the new chunk set.
Readers only use chunks whose document hash is the manifest's (see service.qa.texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from citedqa.chunking import Chunker
from citedqa.duplicates import MIN_ALIGNED, DuplicateIndex, alignment, signature
from citedqa.embedder import Embedder
from citedqa.languages import detect
from citedqa.models import Chunk, Document
from citedqa.store import ManifestEntry, Store

Status = Literal["added", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class DocOutcome:
    """What indexing one document did."""

    doc_id: str
    status: Status
    chunks: int
    chunks_written: int
    chunks_removed: int
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Embedded:
    """A document with its chunks and vectors, ready to write; or, when the store already
    holds this version, its manifest entry as `unchanged` and no chunks."""

    doc: Document
    unchanged: ManifestEntry | None = None
    chunks: list[Chunk] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    sentence_vectors: list[np.ndarray] = field(default_factory=list)


class Indexer:
    """Keeps the store's copy of each document equal to its current text."""

    def __init__(self, store: Store, embedder: Embedder, chunker: Chunker) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self._manifest: dict[str, ManifestEntry] = store.manifest()
        self._duplicates = DuplicateIndex({d: e.signature for d, e in self._manifest.items()})

    def known(self) -> set[str]:
        """doc_ids in the manifest."""
        return set(self._manifest)

    def index(self, doc: Document) -> DocOutcome:
        """Make `doc` the active version in the store; a no-op when it is already."""
        return self.apply(self.embed(doc))

    def embed(self, doc: Document) -> Embedded:
        """The first half of `index`: chunk and embed `doc` (nothing when it is unchanged).

        It writes nothing, so a job may embed the next document while `apply` writes this
        one (ingest does: the encoder and Chroma then work at the same time).
        """
        current = self._manifest.get(doc.doc_id)
        if (
            current is not None
            and current.content_hash == doc.content_hash
            and current.chunker == self.chunker.config_id
        ):
            return Embedded(doc, unchanged=current)
        if not doc.metadata.get("language"):  # for BM25's stemmer (service.qa.lexical)
            doc = replace(doc, metadata={**doc.metadata, "language": detect(doc.text)})
        chunks = self.chunker.split(doc)
        vectors, sentence_vectors = self.embedder.encode_with_spans(
            [c.text for c in chunks],
            [[(s - c.start, e - c.start) for s, e in c.sentences] for c in chunks],
        )
        return Embedded(doc, chunks=chunks, vectors=vectors, sentence_vectors=sentence_vectors)

    def apply(self, embedded: Embedded) -> DocOutcome:
        """The second half of `index`: write, switch the manifest, delete the old chunks.
        Calls must come in the order of the documents, one at a time."""
        doc, same = embedded.doc, embedded.unchanged
        if same is not None and self._manifest.get(doc.doc_id) is not same:
            return self.apply(self.embed(doc))  # another write to it came in between
        stored = self.store.stored_chunk_ids(doc.doc_id)
        if same is not None:
            stale = stored - set(same.chunk_ids)
            self.store.delete_chunks(stale)  # leftovers of a run killed after its switch
            n = len(same.chunk_ids)
            return DocOutcome(doc.doc_id, "unchanged", n, 0, len(stale), same.duplicate_of)
        current = self._manifest.get(doc.doc_id)
        chunks, sentence_vectors = embedded.chunks, embedded.sentence_vectors
        ids = [c.chunk_id for c in chunks]
        self.store.write_chunks(doc, chunks, embedded.vectors, sentence_vectors)
        packed = signature(doc.text)
        original = self._original_of(doc.doc_id, packed, sentence_vectors)
        self.store.commit_document(doc, ids, self.chunker.config_id, original, packed)
        self._manifest[doc.doc_id] = self.store.manifest([doc.doc_id])[doc.doc_id]
        self._duplicates.add(doc.doc_id, packed)
        stale = stored - set(ids)
        self.store.delete_chunks(stale)
        status: Status = "added" if current is None else "updated"
        return DocOutcome(doc.doc_id, status, len(chunks), len(chunks), len(stale), original)

    def remove(self, doc_id: str) -> int:
        """Remove a document and its chunks; returns the number of chunks removed."""
        removed = self.store.remove_document(doc_id)
        self._manifest.pop(doc_id, None)
        self._duplicates.discard(doc_id)
        for other in [e for e in self._manifest.values() if e.duplicate_of == doc_id]:
            self.store.set_duplicate_of(other.doc_id, None)
            self._manifest[other.doc_id] = self.store.manifest([other.doc_id])[other.doc_id]
        return removed

    def _original_of(
        self, doc_id: str, packed: str, sentence_vectors: list[np.ndarray]
    ) -> str | None:
        """The earlier document this one nearly duplicates, if any (followed to its root)."""
        mine = np.vstack(sentence_vectors) if sentence_vectors else np.zeros((0, 1))
        best, best_score = None, MIN_ALIGNED
        for candidate in self._duplicates.candidates(doc_id, packed):
            score = alignment(mine, self.store.sentence_vectors(candidate))
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            return None
        root = self._manifest.get(best)
        original = root.duplicate_of if root is not None and root.duplicate_of else best
        # The best match may be a copy of this very document (re-ingesting a changed original).
        return None if original == doc_id else original
