"""The service's JSON bodies as `citedqa.client` reads them.

They mirror `service/api/schemas/` field for field (tests/unit/test_client_models.py checks
it) but are declared here, because `citedqa` imports nothing from `service` and a client
should not load the service to read its replies. Unknown fields are ignored, so a client keeps
working against a newer service that adds some.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CitationOut(_Reply):
    """A verbatim quote: `text[start:end] == quote` in the document's canonical text."""

    doc_id: str
    title: str
    chunk_id: str
    quote: str
    start: int
    end: int
    score: float
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    page: int | None = None
    also_reported_by: list[str] = Field(default_factory=list)


class StageTimings(_Reply):
    """Milliseconds by stage (asked with `debug=True`)."""

    embed_ms: float = 0.0
    retrieve_ms: float = 0.0
    answer_ms: float = 0.0
    total_ms: float = 0.0


class QueryResponse(_Reply):
    """An answer whose sentences carry `[n]` markers: `[n]` is `citations[n-1]`."""

    answer: str
    refused: bool
    refusal_reason: str | None = None
    refusal_detail: str | None = None
    citations: list[CitationOut]
    answerer: str = ""
    model: str = ""
    timings: StageTimings | None = None


class ChunkOut(_Reply):
    """A retrieved chunk: `text[start:end]` of the document's canonical text."""

    doc_id: str
    chunk_id: str
    text: str
    start: int
    end: int
    score: float  # what the list is ordered by (the fused rank score in hybrid mode)
    similarity: float | None = None  # cosine similarity to the question (older services: none)
    also_reported_by: list[str] = Field(default_factory=list)


class RetrieveResponse(_Reply):
    """The ranked chunks the answerer sees, best first."""

    chunks: list[ChunkOut]


class DocumentSummary(_Reply):
    """One document of the collection."""

    doc_id: str
    title: str
    chunks: int
    content_hash: str
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    source: str | None = None
    duplicate_of: str | None = None


class DocumentList(_Reply):
    """A page of documents; `next_cursor` asks for the next one."""

    documents: list[DocumentSummary]
    next_cursor: str | None = None


class DocumentDetail(DocumentSummary):
    """A document with its canonical text, which every offset indexes into."""

    text: str


class UploadResult(_Reply):
    """What ingesting one uploaded file did."""

    doc_id: str
    status: Literal["added", "updated", "unchanged"]
    chunks: int
    duplicate_of: str | None = None
    unread_pages: list[int] = Field(default_factory=list)  # scanned pages left without text


class UploadResponse(_Reply):
    """The uploaded documents, now searchable."""

    documents: list[UploadResult]


class DeleteResponse(_Reply):
    """A removed document."""

    doc_id: str
    chunks_removed: int


class HealthResponse(_Reply):
    """Readiness of the store and the embedder (counts only with a key, when keys are set).

    Only `status` is required: a load balancer's or an older service's health reply is read.
    """

    status: str
    store: str = ""
    embedder: str = ""
    documents: int | None = None
    chunks: int | None = None


class Problem(_Reply):
    """An RFC 9457 problem detail, as every error of the service is sent."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, object]] | None = None
    may_be_stored: list[str] | None = None  # files of a failed upload that may be stored


class Delta(_Reply):
    """A piece of a streamed answer's text (the `final` answer replaces their sum)."""

    text: str


class Final(_Reply):
    """The streamed answer, complete and cited: the last event of a stream."""

    response: QueryResponse


StreamEvent = Delta | Final
