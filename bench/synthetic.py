"""A synthetic collection of exactly `n` chunks: documents, chunks (real chunker), vectors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bench.corpus import CorpusGenerator, SyntheticDoc
from bench.seedtext import SeedText
from bench.vectors import SyntheticVectors
from citedqa.chunking import Chunker
from citedqa.embedder import Embedder
from citedqa.models import Chunk, Document

PROGRESS_EVERY = 10_000  # chunks between progress lines (in the job's log)


@dataclass(frozen=True, slots=True)
class SyntheticBatch:
    """One document with its chunks, chunk vectors and per-chunk sentence vectors."""

    doc: Document
    chunks: list[Chunk]
    vectors: np.ndarray
    sentence_vectors: list[np.ndarray]


def as_document(doc: SyntheticDoc) -> Document:
    """The citedqa Document of a synthetic document."""
    return Document(doc_id=doc.doc_id, text=doc.text, title=doc.title)


def synthetic_batches(
    seed_text: SeedText, embedder: Embedder, chunker: Chunker, n_chunks: int, seed: int
) -> Iterator[SyntheticBatch]:
    """Documents until exactly `n_chunks` chunks (the last document's chunk list is cut).

    Reproducible: the same arguments give the same documents, chunks and vectors.
    """
    vectors = SyntheticVectors(embedder.encode(list(seed_text.sentences)), seed)
    left = n_chunks
    for synthetic in CorpusGenerator(seed_text, seed).documents():
        if left <= 0:
            return
        doc = as_document(synthetic)
        chunks = chunker.split(doc)[:left]
        pairs = [vectors.chunk(synthetic, c.sentences) for c in chunks]
        if (n_chunks - left) // PROGRESS_EVERY != (n_chunks - left + len(chunks)) // PROGRESS_EVERY:
            print(f"{n_chunks - left + len(chunks):,} of {n_chunks:,} chunks", flush=True)
        left -= len(chunks)
        yield SyntheticBatch(
            doc=doc,
            chunks=chunks,
            vectors=np.stack([p[0] for p in pairs]),
            sentence_vectors=[p[1] for p in pairs],
        )
