"""The nouns shared by the write and read paths."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Span = tuple[int, int]


def content_hash(text: str) -> str:
    """sha256 of the canonical text: the identity of a document's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    """A source document: its canonical text is what every offset indexes into.

    `metadata` holds what the source states (outlet, author, date); `pages` the
    (start, end, page number) of each page of a PDF (or slide, or sheet); `unread_pages`
    the numbers of the scanned pages left without text (OCR off or unavailable).
    """

    doc_id: str
    text: str
    title: str
    metadata: dict[str, str] = field(default_factory=dict)
    pages: tuple[tuple[int, int, int], ...] = ()
    unread_pages: tuple[int, ...] = ()

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A span of a document: `document.text[start:end] == text`.

    `sentences` are the document-offset spans of the sentences (or sentence pieces) it holds.
    """

    doc_id: str
    doc_hash: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...] = ()

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}:{self.doc_hash[:12]}:{self.start}-{self.end}"


def chunk_version(chunk_id: str) -> tuple[str, str]:
    """(doc_id, the first 12 characters of the document version's hash) of a chunk id."""
    doc_id, version, _ = chunk_id.rsplit(":", 2)
    return doc_id, version


@dataclass(frozen=True, slots=True)
class RetrievedChunk:
    """A chunk found for a question; `score` is cosine similarity (higher is better).

    `rank_score` is what the retriever ordered the list by (the fused RRF score in hybrid
    mode, BM25 in bm25 mode, cosine in vector mode); None for a chunk not ranked.

    `sentence_vectors[i]` embeds `sentences[i]` in the context of the chunk (unit vectors).
    """

    chunk_id: str
    doc_id: str
    doc_hash: str
    title: str
    text: str
    start: int
    end: int
    score: float
    sentences: tuple[Span, ...] = ()
    sentence_vectors: np.ndarray | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # outlet, author, date, page
    also_reported_by: tuple[str, ...] = ()  # near-duplicate documents with the same passage
    rank_score: float | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A verbatim quote backing an answer sentence: `document.text[start:end] == quote`."""

    doc_id: str
    title: str
    chunk_id: str
    quote: str
    start: int
    end: int
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)  # outlet, author, date, page
    also_reported_by: tuple[str, ...] = ()  # doc_ids of near-duplicates saying the same


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer whose sentences carry `[n]` markers pointing at `citations[n-1]`."""

    text: str
    refused: bool
    citations: list[Citation]
    answerer: str = ""  # the backend that produced it (`CITEDQA_LLM`, or extractive on fallback)
    model: str = ""  # the model that backend ran
    # no_evidence | focus_not_found | no_answer_of_type | not_supported |
    # language_not_supported; None when answered
    refusal_reason: str | None = None
