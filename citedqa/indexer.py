"""The write path for one document: chunk, embed, write, switch the manifest, clean up.

The order makes a replace safe without transactions: new chunks are written first (their
ids differ from the old version's), then the manifest switches to them, then whatever
else is stored for the document is deleted. A run killed at any point leaves either the
old or the new version active, and the next run converges to exactly the new chunk set.
Readers only use chunks whose document hash is the manifest's (see service.qa.texts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from cachetools import LRUCache

from citedqa.chunking import Chunker
from citedqa.duplicates import MIN_ALIGNED, DuplicateIndex, alignment, signature
from citedqa.embedder import Embedder
from citedqa.errors import BatchWriteError, StoreUnavailableError
from citedqa.languages import detect
from citedqa.models import Chunk, Document
from citedqa.orphans import sweep_orphans
from citedqa.store import ManifestEntry, Store

log = logging.getLogger("citedqa")

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
    unread_pages: tuple[int, ...] = ()  # scanned pages left without text (OCR off)


@dataclass(frozen=True, slots=True)
class Embedded:
    """A document with its chunks and vectors, ready to write; or, when the store already
    holds this version, its manifest entry as `unchanged` and no chunks."""

    doc: Document
    unchanged: ManifestEntry | None = None
    chunks: list[Chunk] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    sentence_vectors: list[np.ndarray] = field(default_factory=list)


@dataclass(slots=True)
class _Step:
    """One changed document of a batch write, and what undoing it takes."""

    embedded: Embedded
    before: ManifestEntry | None  # the active version before the batch (None: a new doc)
    before_text: str | None  # its canonical text, which its manifest record holds
    committed: bool = False  # the manifest may point at the new version
    original: str | None = None

    @property
    def ids(self) -> list[str]:
        return [c.chunk_id for c in self.embedded.chunks]

    @property
    def name(self) -> str:
        doc = self.embedded.doc
        return doc.metadata.get("source") or doc.doc_id


class Indexer:
    """Keeps the store's copy of each document equal to its current text.

    `shared`: the store is a Chroma server other processes may write to (see
    citedqa.orphans)."""

    def __init__(
        self, store: Store, embedder: Embedder, chunker: Chunker, shared: bool = False
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.shared = shared
        self._dirty = False  # a failed undo left orphans and this process's view stale
        self._load()

    def _load(self) -> None:
        # Stored sentence vectors of the documents compared with, by version: a corpus of
        # similar documents made every new one re-read the same candidates from Chroma
        # (a fifth of the bench's ingest time went to those reads).
        self._sentences: LRUCache[tuple[str, str, str], np.ndarray] = LRUCache(maxsize=256)
        self._manifest: dict[str, ManifestEntry] = self.store.manifest()
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

    def index_all(self, docs: Sequence[Document]) -> list[DocOutcome]:
        """Make every one of `docs` (distinct doc_ids) the active version, or none of them.

        Every new chunk is written first, then the manifest switches document by document,
        and only then are the replaced versions' chunks deleted: until that last step the
        previous versions are intact, so a failure anywhere before it is undone (new chunks
        deleted, previous manifest records restored) and the error says nothing was stored.
        If the undo fails too (the store is gone), BatchWriteError names the documents that
        may be stored; the chunks left behind are swept before the next write.
        """
        if self._dirty:
            sweep_orphans(self.store, self.shared)
            self._load()
            self._dirty = False
        steps: list[_Step] = []
        unchanged: list[Embedded] = []
        try:
            for doc in docs:
                embedded = self.embed(doc)
                if embedded.unchanged is not None:
                    unchanged.append(embedded)
                    continue
                before = self._manifest.get(doc.doc_id)
                text = self.store.document_text(doc.doc_id) if before is not None else None
                steps.append(_Step(embedded, before, text))  # before: a write may half-succeed
                self.store.write_chunks(
                    doc, embedded.chunks, embedded.vectors, embedded.sentence_vectors
                )
            for step in steps:
                self._switch(step)
        except Exception as exc:
            self._undo(steps, exc)
            if isinstance(exc, StoreUnavailableError):
                raise StoreUnavailableError(
                    f"{exc.message}; nothing of this batch of {len(docs)} documents was "
                    f"stored: what was written is undone, every document is as it was"
                ) from exc
            raise
        done = [self._finish(step) for step in steps]
        done += [self._finish_unchanged(e) for e in unchanged]
        by_id = {outcome.doc_id: outcome for outcome in done}
        return [by_id[doc.doc_id] for doc in docs]  # in the order given

    def _switch(self, step: _Step) -> None:
        """Point the manifest at a batch document's new chunks (written already)."""
        doc, embedded = step.embedded.doc, step.embedded
        packed = signature(doc.text)
        step.original = self._original_of(doc.doc_id, packed, embedded.sentence_vectors)
        step.committed = True  # before the call: a commit that fails may still have landed
        self.store.commit_document(doc, step.ids, self.chunker.config_id, step.original, packed)
        self._manifest[doc.doc_id] = self.store.manifest([doc.doc_id])[doc.doc_id]
        self._duplicates.add(doc.doc_id, packed)

    def _finish(self, step: _Step) -> DocOutcome:
        """After the whole batch switched: delete what the document no longer uses. Its new
        version is stored whatever happens here; chunks this fails to delete are swept."""
        doc_id, ids = step.embedded.doc.doc_id, step.ids
        stale = set(step.before.chunk_ids if step.before else ()) - set(ids)
        try:
            stale = self.store.stored_chunk_ids(doc_id) - set(ids)
            self.store.delete_chunks(stale)
        except StoreUnavailableError as exc:
            log.warning("stale chunks of %r left for the next sweep: %s", doc_id, exc.message)
            self._dirty = True
        status: Status = "added" if step.before is None else "updated"
        return DocOutcome(doc_id, status, len(ids), len(ids), len(stale), step.original)

    def _finish_unchanged(self, embedded: Embedded) -> DocOutcome:
        same = embedded.unchanged
        assert same is not None
        try:
            stale = self.store.stored_chunk_ids(embedded.doc.doc_id) - set(same.chunk_ids)
            self.store.delete_chunks(stale)  # leftovers of a run killed after its switch
        except StoreUnavailableError:
            stale, self._dirty = set(), True
        n = len(same.chunk_ids)
        return DocOutcome(embedded.doc.doc_id, "unchanged", n, 0, len(stale), same.duplicate_of)

    def _undo(self, steps: list[_Step], cause: Exception) -> None:
        """Put back the versions active before the batch, last document first; raise
        BatchWriteError naming the documents whose undo failed."""
        uncertain: list[str] = []
        for step in reversed(steps):
            try:
                if step.committed:
                    self._restore(step)
                before = set(step.before.chunk_ids) if step.before else set()
                self.store.delete_chunks(set(step.ids) - before)
            except Exception:  # the store is down: whatever is left, the sweep removes
                self._dirty = True
                if step.committed:
                    uncertain.append(step.name)
        if self._dirty:
            try:
                sweep_orphans(self.store, self.shared)
                self._load()
                self._dirty = bool(uncertain)
            except Exception:
                log.warning("orphan sweep after a failed batch write postponed", exc_info=True)
        if uncertain:
            detail = cause.message if isinstance(cause, StoreUnavailableError) else str(cause)
            raise BatchWriteError(
                f"{detail}; undoing the partial write failed too, so these may be stored in "
                f"their new version: {', '.join(sorted(uncertain))} (check GET /v1/documents "
                f"once the store is back); the other documents of this batch were not "
                f"stored",
                sorted(uncertain),
            ) from cause

    def _restore(self, step: _Step) -> None:
        """The manifest record (and this process's view) of a document before the batch."""
        doc_id, before = step.embedded.doc.doc_id, step.before
        if before is None:
            self.store.remove_document(doc_id)  # the record and every chunk of it
            self._manifest.pop(doc_id, None)
            self._duplicates.discard(doc_id)
            return
        old = Document(doc_id, step.before_text or "", before.title, before.metadata)
        self.store.commit_document(
            old, before.chunk_ids, before.chunker, before.duplicate_of, before.signature
        )
        self._manifest[doc_id] = before
        self._duplicates.discard(doc_id)
        if before.signature:
            self._duplicates.add(doc_id, before.signature)

    def remove(self, doc_id: str) -> int:
        """Remove a document and its chunks; returns the number of chunks removed."""
        removed = self.store.remove_document(doc_id)
        self._manifest.pop(doc_id, None)
        self._duplicates.discard(doc_id)
        for other in [e for e in self._manifest.values() if e.duplicate_of == doc_id]:
            self.store.set_duplicate_of(other.doc_id, None)
            self._manifest[other.doc_id] = self.store.manifest([other.doc_id])[other.doc_id]
        return removed

    def _sentence_vectors(self, doc_id: str) -> np.ndarray:
        """A document's stored sentence vectors, read once per version of it."""
        entry = self._manifest.get(doc_id)
        if entry is None:  # not committed: nothing to key a cache entry by
            return self.store.sentence_vectors(doc_id)
        key = (doc_id, entry.content_hash, entry.chunker)
        if (found := self._sentences.get(key)) is None:
            found = self._sentences[key] = self.store.sentence_vectors(doc_id)
        return found

    def _original_of(
        self, doc_id: str, packed: str, sentence_vectors: list[np.ndarray]
    ) -> str | None:
        """The earlier document this one nearly duplicates, if any (followed to its root)."""
        mine = np.vstack(sentence_vectors) if sentence_vectors else np.zeros((0, 1))
        best, best_score = None, MIN_ALIGNED
        for candidate in self._duplicates.candidates(doc_id, packed):
            score = alignment(mine, self._sentence_vectors(candidate))
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            return None
        root = self._manifest.get(best)
        original = root.duplicate_of if root is not None and root.duplicate_of else best
        # The best match may be a copy of this very document (re-ingesting a changed original).
        return None if original == doc_id else original
