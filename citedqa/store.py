"""Chroma, as citedqa uses it: chunk vectors plus a manifest of documents.

Two collections: `<name>` holds chunk vectors (cosine space, tagged with the embedder that
made them); `<name>-docs` is the manifest: one record per document with its canonical
text, content hash, active chunk ids and metadata. Chroma never embeds anything itself.
Every change bumps a generation token in the chunk collection's metadata, so processes
holding derived state (a BM25 index, caches) notice another process's writes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from chromadb import errors as chromadb_errors

from citedqa.chroma_client import new_client
from citedqa.collections import collection_names
from citedqa.errors import EmbedderMismatchError, NotFoundError, StoreUnavailableError
from citedqa.models import Chunk, Document, RetrievedChunk
from citedqa.records import DOC_FIELDS, pack_vectors, pages_in, retrieved_chunk, stored_vectors
from citedqa.settings import EMBEDDER_IDS, Settings

# The manifest collection stores no meaningful vectors, but Chroma requires one per record
# (without it, it would try to embed with its default model, which needs a download).
_PLACEHOLDER_VECTOR = [1.0]
_WRITE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the store knows about one document."""

    doc_id: str
    title: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    chunker: str
    metadata: dict[str, str] = field(default_factory=dict)  # outlet, author, date, source
    duplicate_of: str | None = None
    signature: str = ""  # near-duplicate fingerprint (see citedqa.duplicates)


@contextmanager
def _store_errors(action: str) -> Iterator[None]:
    try:
        yield
    except (NotFoundError, EmbedderMismatchError):
        raise
    except Exception as exc:  # chromadb raises many types; all mean the store failed us
        raise StoreUnavailableError(f"vector store failed to {action}: {exc}") from exc


def _read_racing_writes(action: str, read: Callable[[], Any]) -> Any:
    """`read()`, tried twice: a Chroma server can fail a read that races a delete of the same
    records ("Error finding id"), and succeeds once the delete is through."""
    try:
        with _store_errors(action):
            return read()
    except StoreUnavailableError:
        time.sleep(0.05)
    with _store_errors(action):
        return read()


def _reopen_hint(built_with: object) -> str:
    named = [name for name, model in EMBEDDER_IDS.items() if model == built_with]
    return f"Set CITEDQA_EMBEDDER={named[0]} to open it as it is, or: " if named else ""


def make_client(settings: Settings) -> Any:
    """An embedded PersistentClient, or an HttpClient when CITEDQA_CHROMA_HOST is set."""
    with _store_errors("connect"):
        return new_client(settings)


class Store:
    """Chunk vectors and the document manifest in one Chroma database."""

    def __init__(self, client: Any, name: str, embedder_id: str, create: bool = True) -> None:
        """Open collection `name` (made when missing if `create`, else NotFoundError)."""
        self.name = name
        self.embedder_id = embedder_id
        self.client = client  # the Chroma client (citedqa.collections lists and drops with it)
        with _store_errors("open the collection"):
            if not create and name not in collection_names(client):
                raise NotFoundError(f"no collection named {name!r}")
            self._chunks = client.get_or_create_collection(
                name,
                metadata={"embedder": embedder_id},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            self._docs = client.get_or_create_collection(f"{name}-docs", embedding_function=None)
        built_with = (self._chunks.metadata or {}).get("embedder")
        if built_with != embedder_id:
            raise EmbedderMismatchError(
                f"collection {name!r} was built with embedder {built_with!r}, but this is "
                f"{embedder_id!r}: vectors from different embedders cannot be compared. "
                f"{_reopen_hint(built_with)}Re-index into a new collection (set "
                f"CITEDQA_COLLECTION=<new name> and run `python -m ingest`), or delete the "
                f"data directory and ingest again."
            )

    def wrap_collections(self, wrap: Callable[[Any], Any]) -> tuple[Any, Any]:
        """Route every later call to the chunk and the manifest collection through
        `wrap(collection)`; returns the two wrappers, chunks first. The benchmark buffers
        writes this way (bench.stores.BatchedCollection); the Store's records are unchanged.
        """
        self._chunks, self._docs = wrap(self._chunks), wrap(self._docs)
        return self._chunks, self._docs

    # --- generation -----------------------------------------------------------------------

    def generation(self) -> str:
        """A token that changes whenever any process changes the collection: its Chroma id
        (a collection dropped and made again is another one), then the last write's mark.
        NotFoundError once the collection is dropped (by any process)."""
        with _store_errors("read the generation"):
            try:
                got = self.client.get_collection(self.name, embedding_function=None)
            except chromadb_errors.NotFoundError:
                raise NotFoundError(f"no collection named {self.name!r}") from None
        return f"{got.id}/{(got.metadata or {}).get('generation', '')}"

    def is_replaced(self, generation: str) -> bool:
        """Whether `generation` (of `generation()`) is of another collection of this name
        than the one this Store opened: it was dropped and made again meanwhile."""
        return not generation.startswith(f"{self._chunks.id}/")

    def _bump(self) -> None:
        with _store_errors("bump the generation"):
            self._chunks.modify(
                metadata={"embedder": self.embedder_id, "generation": uuid.uuid4().hex}
            )

    # --- manifest -------------------------------------------------------------------------

    def manifest(self, doc_ids: Sequence[str] | None = None) -> dict[str, ManifestEntry]:
        """Manifest entries by doc_id (all of them when `doc_ids` is None)."""
        if doc_ids is not None:
            with _store_errors("read the manifest"):
                pages: Iterable[Any] = [self._docs.get(ids=list(doc_ids), include=["metadatas"])]
        else:
            pages = _pages(self._docs, ["metadatas"], "read the manifest")
        return {
            i: _entry(i, m)
            for got in pages
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        }

    def document(self, doc_id: str) -> tuple[ManifestEntry, str]:
        """The manifest entry and canonical text of one document."""
        with _store_errors("read a document"):
            got = self._docs.get(ids=[doc_id], include=["metadatas", "documents"])
        if not got["ids"]:
            raise NotFoundError(f"no document with doc_id {doc_id!r}")
        return _entry(doc_id, got["metadatas"][0]), got["documents"][0]

    def document_text(self, doc_id: str) -> str | None:
        """The canonical text of one document (None when unknown), without its metadata."""
        with _store_errors("read a document"):
            got = self._docs.get(ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def commit_document(
        self,
        doc: Document,
        chunk_ids: Sequence[str],
        chunker: str,
        duplicate_of: str | None = None,
        signature: str = "",
    ) -> None:
        """Point the manifest at a document version whose chunks are already written."""
        meta: dict[str, Any] = {
            "title": doc.title,
            "content_hash": doc.content_hash,
            "chunk_ids": list(chunk_ids) or [""],
            "chunker": chunker,
            "duplicate_of": duplicate_of or "",
            "signature": signature,
            **{k: str(v) for k, v in doc.metadata.items() if k in DOC_FIELDS and v},
        }
        with _store_errors("update the manifest"):
            self._docs.upsert(
                ids=[doc.doc_id],
                documents=[doc.text],
                metadatas=[meta],
                embeddings=[_PLACEHOLDER_VECTOR],
            )
        self._bump()

    def set_duplicate_of(self, doc_id: str, duplicate_of: str | None) -> None:
        """Record (or clear) which document `doc_id` is a near-duplicate of."""
        with _store_errors("update the manifest"):
            self._docs.update(ids=[doc_id], metadatas=[{"duplicate_of": duplicate_of or ""}])
        self._bump()

    def remove_document(self, doc_id: str) -> int:
        """Drop a document from the manifest, then its chunks; returns chunks removed."""
        with _store_errors("delete a document"):
            self._docs.delete(ids=[doc_id])
        stored = self.stored_chunk_ids(doc_id)
        self.delete_chunks(stored)
        self._bump()
        return len(stored)

    # --- chunks ---------------------------------------------------------------------------

    def write_chunks(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        sentence_vectors: Sequence[np.ndarray],
    ) -> None:
        """Upsert chunks of `doc` with their vectors (ids are deterministic: idempotent).

        Each chunk's sentence spans and sentence vectors ride along in its metadata, so a
        search returns them with the chunk at no extra cost.
        """
        if not chunks:
            return
        shared = {k: str(v) for k, v in doc.metadata.items() if k in DOC_FIELDS and v}
        metadatas = [
            {
                "doc_id": c.doc_id,
                "doc_hash": c.doc_hash,
                "start": c.start,
                "end": c.end,
                "title": doc.title,
                **shared,
                **({"pages": pages} if (pages := pages_in(doc, c.start, c.end)) else {}),
                "sentences": [offset for span in c.sentences for offset in span],
                "sentence_vectors": pack_vectors(sv),
                "written_at": int(time.time()),  # for citedqa.orphans on a shared server
            }
            for c, sv in zip(chunks, sentence_vectors, strict=True)
        ]
        with _store_errors("write chunks"):
            # Chroma refuses batches over its limit (about 5,000 records).
            for lo in range(0, len(chunks), _WRITE_BATCH):
                hi = lo + _WRITE_BATCH
                self._chunks.upsert(
                    ids=[c.chunk_id for c in chunks[lo:hi]],
                    embeddings=vectors[lo:hi],
                    documents=[c.text for c in chunks[lo:hi]],
                    metadatas=metadatas[lo:hi],
                )

    def stored_chunk_ids(self, doc_id: str | None = None) -> set[str]:
        """Ids of the chunks physically stored (for one document, or all)."""
        where = {"doc_id": doc_id} if doc_id is not None else None
        with _store_errors("list chunks"):
            return set(self._chunks.get(where=where, include=[])["ids"])

    def written_at(self, chunk_ids: Sequence[str]) -> dict[str, int]:
        """When each stored chunk of `chunk_ids` was written (Unix seconds; 0: not recorded)."""
        with _store_errors("list chunks"):
            got = self._chunks.get(ids=list(chunk_ids), include=["metadatas"])
        times = [int((m or {}).get("written_at", 0)) for m in got["metadatas"]]
        return dict(zip(got["ids"], times, strict=True))

    def sentence_vectors(self, doc_id: str) -> np.ndarray:
        """Vectors of every stored sentence of one document, stacked."""
        with _store_errors("read sentence vectors"):
            got = self._chunks.get(where={"doc_id": doc_id}, include=["metadatas"])
        parts = [v for m in got["metadatas"] if (v := stored_vectors(m)) is not None]
        return np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)

    def chunk_pages(
        self, with_metadata: bool = True
    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """Ids, texts and metadata (empty dicts, and not read, without `with_metadata`) of
        every stored chunk, a page at a time: holding every chunk's sentence vectors at
        once would take gigabytes."""
        include = ["documents", "metadatas"] if with_metadata else ["documents"]
        for got in _pages(self._chunks, include, "read chunks"):
            yield got["ids"], got["documents"], got["metadatas"] or [{} for _ in got["ids"]]

    def delete_chunks(self, chunk_ids: Sequence[str] | set[str]) -> None:
        """Delete chunks by id (no-op for none)."""
        ids = list(chunk_ids)
        with _store_errors("delete chunks"):
            for lo in range(0, len(ids), _WRITE_BATCH):
                self._chunks.delete(ids=ids[lo : lo + _WRITE_BATCH])

    def count_documents(self) -> int:
        """Number of documents in the manifest."""
        with _store_errors("count documents"):
            return int(self._docs.count())

    def count_chunks(self) -> int:
        """Number of chunk vectors stored."""
        with _store_errors("count chunks"):
            return int(self._chunks.count())

    def nearest(
        self, vectors: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        """For each unit vector, the `k` nearest (chunk_id, cosine), best first.

        Ids and distances only: having Chroma also return texts and metadata cost about
        four times the search itself, and most hits are then dropped by fusion.
        """
        if len(vectors) == 0:
            return []
        got = _read_racing_writes(
            "search",
            lambda: self._chunks.query(
                query_embeddings=list(vectors), n_results=k, where=where, include=["distances"]
            ),
        )
        return [
            [(cid, 1.0 - float(dist)) for cid, dist in zip(ids, dists, strict=True)]
            for ids, dists in zip(got["ids"], got["distances"], strict=True)
        ]

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, tuple[RetrievedChunk, np.ndarray]]:
        """Chunks by id (score 0) with their vectors; ids deleted meanwhile are left out."""
        if not chunk_ids:
            return {}
        got = _read_racing_writes(
            "read chunks",
            lambda: self._chunks.get(
                ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"]
            ),
        )
        embeddings = got["embeddings"]
        return {
            cid: (retrieved_chunk(cid, text, meta, 0.0), np.asarray(vec, dtype=np.float32))
            for cid, text, meta, vec in zip(
                got["ids"], got["documents"], got["metadatas"], embeddings, strict=True
            )
            if meta is not None and text is not None
        }


def _pages(collection: Any, include: list[str], action: str) -> Iterator[Any]:
    """Every record of a collection, one `get` result a page: Chroma fails a get of too
    many records at once (above 32,766 with metadata)."""
    offset = 0
    while True:
        with _store_errors(action):
            got = collection.get(include=include, limit=_WRITE_BATCH, offset=offset)
        yield got
        offset += len(got["ids"])
        if len(got["ids"]) < _WRITE_BATCH:
            return


def _entry(doc_id: str, meta: dict[str, Any]) -> ManifestEntry:
    return ManifestEntry(
        doc_id=doc_id,
        title=str(meta.get("title", "")),
        content_hash=str(meta.get("content_hash", "")),
        chunk_ids=tuple(c for c in meta.get("chunk_ids", []) if c),
        chunker=str(meta.get("chunker", "")),
        metadata={k: str(meta[k]) for k in DOC_FIELDS if meta.get(k)},
        duplicate_of=str(meta.get("duplicate_of") or "") or None,
        signature=str(meta.get("signature", "")),
    )
