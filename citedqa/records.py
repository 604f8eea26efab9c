"""A chunk as Chroma keeps it: the flat metadata its offsets, pages and sentence vectors
are packed into (Chroma metadata holds only scalars and flat lists), and back.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from citedqa.models import Document, RetrievedChunk

DOC_FIELDS = ("outlet", "author", "date", "source", "language")


def retrieved_chunk(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> RetrievedChunk:
    """A RetrievedChunk from a stored record."""
    spans = _pairs(meta.get("sentences", []))
    return RetrievedChunk(
        chunk_id=chunk_id,
        doc_id=meta["doc_id"],
        doc_hash=meta["doc_hash"],
        title=meta.get("title", ""),
        text=text,
        start=meta["start"],
        end=meta["end"],
        score=score,
        sentences=spans,
        sentence_vectors=stored_vectors(meta),
        metadata={k: meta[k] for k in DOC_FIELDS if k in meta}
        | ({"pages": _triples(meta["pages"])} if "pages" in meta else {}),
    )


def stored_vectors(meta: dict[str, Any]) -> np.ndarray | None:
    """A stored chunk's sentence vectors, one a sentence span (None when it has none)."""
    return unpack_vectors(meta.get("sentence_vectors", ""), len(meta.get("sentences", [])) // 2)


def pages_in(doc: Document, start: int, end: int) -> list[int]:
    """(start, end, number) of the PDF pages a span touches, flattened for Chroma."""
    return [x for s, e, n in doc.pages if s < end and e > start for x in (s, e, n)]


def _triples(flat: Sequence[int]) -> tuple[tuple[int, int, int], ...]:
    return tuple(
        (int(flat[i]), int(flat[i + 1]), int(flat[i + 2])) for i in range(0, len(flat) - 2, 3)
    )


def page_at(metadata: dict[str, Any], offset: int) -> int | None:
    """The PDF page holding `offset`, from a retrieved chunk's metadata."""
    return next((n for s, e, n in metadata.get("pages", ()) if s <= offset < e), None)


def pack_vectors(vectors: np.ndarray) -> str:
    """Unit vectors as int8 (x127), base64: one byte a dimension, cosine error about 1e-4."""
    return base64.b64encode(np.round(vectors * 127.0).astype(np.int8).tobytes()).decode("ascii")


def unpack_vectors(packed: str, count: int) -> np.ndarray | None:
    if not packed or count == 0:
        return None
    raw = np.frombuffer(base64.b64decode(packed), dtype=np.int8).astype(np.float32)
    vectors = raw.reshape(count, -1)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)  # type: ignore[no-any-return]


def _pairs(flat: Sequence[int]) -> tuple[tuple[int, int], ...]:
    return tuple((int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat) - 1, 2))
