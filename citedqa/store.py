"""Chroma, as citedqa uses it: chunk vectors plus a manifest of documents.

Two collections: `<name>` holds chunk vectors (cosine space, tagged with the embedder that
made them); `<name>-docs` is the manifest: one record per document with its canonical
text, content hash and active chunk ids. Chroma never embeds anything itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
import base64
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from citedqa.errors import EmbedderMismatchError, NotFoundError, StoreUnavailableError
from citedqa.models import Chunk, Document, RetrievedChunk
from citedqa.settings import Settings

# The manifest collection stores no meaningful vectors, but Chroma requires one per record
# (without it, it would try to embed with its default model, which needs a download).
_PLACEHOLDER_VECTOR = [1.0]


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the store knows about one document."""

    doc_id: str
    title: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    chunker: str


@contextmanager
def _store_errors(action: str) -> Iterator[None]:
    try:
        yield
    except (NotFoundError, EmbedderMismatchError):
        raise
    except Exception as exc:  # chromadb raises many types; all mean the store failed us
        raise StoreUnavailableError(f"vector store failed to {action}: {exc}") from exc


def make_client(settings: Settings) -> Any:
    """An embedded PersistentClient, or an HttpClient when CITEDQA_CHROMA_HOST is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with _store_errors("connect"):
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class Store:
    """Chunk vectors and the document manifest in one Chroma database."""

    def __init__(self, client: Any, name: str, embedder_id: str) -> None:
        self.name = name
        self.embedder_id = embedder_id
        with _store_errors("open the collection"):
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
                f"Re-index into a new collection (set CITEDQA_COLLECTION=<new name> and run "
                f"`python -m ingest`), or delete the data directory and ingest again."
            )

    # --- manifest -------------------------------------------------------------------------

    def manifest(self, doc_ids: Sequence[str] | None = None) -> dict[str, ManifestEntry]:
        """Manifest entries by doc_id (all of them when `doc_ids` is None)."""
        with _store_errors("read the manifest"):
            got = self._docs.get(
                ids=list(doc_ids) if doc_ids is not None else None, include=["metadatas"]
            )
        return {i: _entry(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def document(self, doc_id: str) -> tuple[ManifestEntry, str]:
        """The manifest entry and canonical text of one document."""
        with _store_errors("read a document"):
            got = self._docs.get(ids=[doc_id], include=["metadatas", "documents"])
        if not got["ids"]:
            raise NotFoundError(f"no document with doc_id {doc_id!r}")
        return _entry(doc_id, got["metadatas"][0]), got["documents"][0]

    def commit_document(self, doc: Document, chunk_ids: Sequence[str], chunker: str) -> None:
        """Point the manifest at a document version whose chunks are already written."""
        meta = {
            "title": doc.title,
            "content_hash": doc.content_hash,
            "chunk_ids": list(chunk_ids) or [""],
            "chunker": chunker,
        }
        with _store_errors("update the manifest"):
            self._docs.upsert(
                ids=[doc.doc_id],
                documents=[doc.text],
                metadatas=[meta],
                embeddings=[_PLACEHOLDER_VECTOR],
            )

    def remove_document(self, doc_id: str) -> int:
        """Drop a document from the manifest, then its chunks; returns chunks removed."""
        with _store_errors("delete a document"):
            self._docs.delete(ids=[doc_id])
        stored = self.stored_chunk_ids(doc_id)
        self.delete_chunks(stored)
        return len(stored)

    # --- chunks ---------------------------------------------------------------------------

    def write_chunks(
        self,
        chunks: Sequence[Chunk],
        titles: dict[str, str],
        vectors: np.ndarray,
        sentence_vectors: Sequence[np.ndarray],
    ) -> None:
        """Upsert chunks with their vectors (ids are deterministic, so this is idempotent).

        Each chunk's sentence spans and sentence vectors ride along in its metadata, so a
        search returns them with the chunk at no extra cost.
        """
        if not chunks:
            return
        metadatas = [
            {
                "doc_id": c.doc_id,
                "doc_hash": c.doc_hash,
                "start": c.start,
                "end": c.end,
                "title": titles.get(c.doc_id, ""),
                "sentences": [offset for span in c.sentences for offset in span],
                "sentence_vectors": _pack(sv),
            }
            for c, sv in zip(chunks, sentence_vectors, strict=True)
        ]
        with _store_errors("write chunks"):
            self._chunks.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors,
                documents=[c.text for c in chunks],
                metadatas=metadatas,  # type: ignore[arg-type]
            )

    def stored_chunk_ids(self, doc_id: str | None = None) -> set[str]:
        """Ids of the chunks physically stored (for one document, or all)."""
        where = {"doc_id": doc_id} if doc_id is not None else None
        with _store_errors("list chunks"):
            return set(self._chunks.get(where=where, include=[])["ids"])

    def delete_chunks(self, chunk_ids: Sequence[str] | set[str]) -> None:
        """Delete chunks by id (no-op for none)."""
        if chunk_ids:
            with _store_errors("delete chunks"):
                self._chunks.delete(ids=list(chunk_ids))

    def count_chunks(self) -> int:
        """Number of chunk vectors stored."""
        with _store_errors("count chunks"):
            return self._chunks.count()

    def query(self, vector: np.ndarray, k: int) -> list[RetrievedChunk]:
        """The `k` nearest chunks to a unit vector, best first."""
        with _store_errors("search"):
            got = self._chunks.query(
                query_embeddings=[vector],
                n_results=k,
                include=["documents", "metadatas", "distances"],
            )
        return [
            RetrievedChunk(
                chunk_id=cid,
                doc_id=m["doc_id"],
                doc_hash=m["doc_hash"],
                title=m.get("title", ""),
                text=text,
                start=m["start"],
                end=m["end"],
                score=1.0 - float(dist),
                sentences=(spans := _pairs(m.get("sentences", []))),
                sentence_vectors=_unpack(m.get("sentence_vectors", ""), len(spans)),
            )
            for cid, text, m, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        ]

    def heartbeat(self) -> None:
        """Raise StoreUnavailableError unless the store answers."""
        self.count_chunks()


def _entry(doc_id: str, meta: dict[str, Any]) -> ManifestEntry:
    return ManifestEntry(
        doc_id=doc_id,
        title=str(meta.get("title", "")),
        content_hash=str(meta.get("content_hash", "")),
        chunk_ids=tuple(c for c in meta.get("chunk_ids", []) if c),
        chunker=str(meta.get("chunker", "")),
    )


def _pack(vectors: np.ndarray) -> str:
    """Unit vectors as int8 (x127), base64: one byte a dimension, cosine error about 1e-4."""
    return base64.b64encode(np.round(vectors * 127.0).astype(np.int8).tobytes()).decode("ascii")


def _unpack(packed: str, count: int) -> np.ndarray | None:
    if not packed or count == 0:
        return None
    raw = np.frombuffer(base64.b64decode(packed), dtype=np.int8).astype(np.float32)
    vectors = raw.reshape(count, -1)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


def _pairs(flat: Sequence[int]) -> tuple[tuple[int, int], ...]:
    return tuple((int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat) - 1, 2))
