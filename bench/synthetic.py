"""A synthetic collection of exactly `n` chunks: documents, chunks (real chunker), vectors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from bench.corpus import CorpusGenerator, SyntheticDoc
from bench.seedtext import SeedText
from bench.vectors import SyntheticVectors
from citedqa import chunking
from citedqa.chunking import Chunker
from citedqa.embedder import Embedder
from citedqa.models import Chunk, Document
from citedqa.sentences import sentence_spans

_LINE = re.compile(r"[^\n]+")
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


def per_line_sentence_spans(text: str) -> list[tuple[int, int]]:
    """`citedqa.sentences.sentence_spans`, applied line by line: the same spans, faster.

    A sentence never crosses a line break, and each boundary rule only looks inside its
    line, so the result is identical; but `sentence_spans` re-scans the text from its start
    at every candidate boundary (`_ends_with_abbreviation` searches `text[:end]`), which is
    quadratic in the document's length: this keeps each scan inside one line.
    """
    out: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        base = line.start()
        out.extend((base + s, base + e) for s, e in sentence_spans(line.group(0)))
    return out


@contextmanager
def fast_chunking() -> Iterator[None]:
    """Use `per_line_sentence_spans` in the chunker (synthetic builds only, never ingest)."""
    original = chunking.sentence_spans
    chunking.sentence_spans = per_line_sentence_spans
    try:
        yield
    finally:
        chunking.sentence_spans = original


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
