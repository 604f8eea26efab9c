"""Bodies of `/v1/documents`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from citedqa.indexer import DocOutcome
from citedqa.store import ManifestEntry

_DOC = "001_bf46565b3b65e965"
_TITLE = "Russia assured today that there is room for military..."


class DocumentSummary(BaseModel):
    """One document of the collection."""

    doc_id: str = Field(examples=[_DOC])
    title: str = Field(examples=[_TITLE])
    chunks: int = Field(ge=0, examples=[11])
    content_hash: str = Field(examples=["1f2e3d4c5b6a..."], description="sha256 of the text.")
    outlet: str | None = Field(None, examples=["Biobiochile"])
    author: str | None = Field(None, examples=[None])
    date: str | None = Field(None, examples=[None])
    source: str | None = Field(None, examples=["article.html"], description="Uploaded file name.")
    duplicate_of: str | None = Field(
        None, examples=[None], description="The document this one nearly duplicates."
    )

    @classmethod
    def of(cls, e: ManifestEntry) -> DocumentSummary:
        return cls(
            doc_id=e.doc_id,
            title=e.title,
            chunks=len(e.chunk_ids),
            content_hash=e.content_hash,
            duplicate_of=e.duplicate_of,
            **e.metadata,
        )


class DocumentList(BaseModel):
    """A page of documents by doc_id; pass `next_cursor` as `cursor` for the next page."""

    documents: list[DocumentSummary]
    next_cursor: str | None = Field(None, examples=["MDAxX2JmNDY1NjViM2I2NWU5NjU"])


class DocumentDetail(DocumentSummary):
    """A document with its canonical text, which every offset indexes into."""

    text: str = Field(examples=[_TITLE])

    @classmethod
    def with_text(cls, e: ManifestEntry, text: str) -> DocumentDetail:
        return cls(**DocumentSummary.of(e).model_dump(), text=text)


class UploadResult(BaseModel):
    """What ingesting one uploaded file did."""

    doc_id: str = Field(examples=["my_article"])
    status: Literal["added", "updated", "unchanged"] = Field(examples=["added"])
    chunks: int = Field(examples=[7])
    duplicate_of: str | None = Field(None, examples=[None])
    unread_pages: list[int] = Field(
        default_factory=list,
        examples=[[]],
        description="Scanned PDF pages left without text (OCR off or unavailable).",
    )

    @classmethod
    def of(cls, o: DocOutcome) -> UploadResult:
        return cls(
            doc_id=o.doc_id,
            status=o.status,
            chunks=o.chunks,
            duplicate_of=o.duplicate_of,
            unread_pages=list(o.unread_pages),
        )


class UploadResponse(BaseModel):
    """The uploaded documents, now searchable."""

    documents: list[UploadResult]


class DeleteResponse(BaseModel):
    """A removed document."""

    doc_id: str = Field(examples=[_DOC])
    chunks_removed: int = Field(examples=[11])
