"""Request and response bodies of the HTTP API (never storage objects)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from citedqa.models import Answer, Citation, RetrievedChunk

_EXAMPLE_QUOTE = (
    "Putin and Kim held negotiations this Wednesday at the Russian Vostochny cosmodrome"
)


class QueryRequest(BaseModel):
    """A question, and how many chunks to retrieve for it."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=2000,
        examples=["Where did Putin and Kim meet?"],
        description="The question, 1 to 2000 characters.",
    )
    top_k: int | None = Field(
        None, ge=1, le=50, examples=[5], description="Chunks to retrieve (default: CITEDQA_TOP_K)."
    )


class CitationOut(BaseModel):
    """A verbatim quote: `text[start:end] == quote` in the document's canonical text."""

    doc_id: str = Field(examples=["001_bf46565b3b65e965"])
    title: str = Field(examples=["Russia assured today that there is room for military..."])
    chunk_id: str = Field(examples=["001_bf46565b3b65e965:1f2e3d4c5b6a:2701-2939"])
    quote: str = Field(examples=[_EXAMPLE_QUOTE])
    start: int = Field(ge=0, examples=[2701])
    end: int = Field(ge=0, examples=[2785])
    score: float = Field(examples=[0.71], description="Retrieval similarity, higher is better.")

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(
            doc_id=c.doc_id,
            title=c.title,
            chunk_id=c.chunk_id,
            quote=c.quote,
            start=c.start,
            end=c.end,
            score=round(c.score, 6),
        )


class QueryResponse(BaseModel):
    """An answer whose sentences carry `[n]` markers: `[n]` is `citations[n-1]`."""

    answer: str = Field(examples=[f"{_EXAMPLE_QUOTE} [1]"])
    refused: bool = Field(examples=[False], description="True when the documents do not answer.")
    citations: list[CitationOut]

    @classmethod
    def of(cls, a: Answer) -> QueryResponse:
        return cls(
            answer=a.text, refused=a.refused, citations=[CitationOut.of(c) for c in a.citations]
        )


class ChunkOut(BaseModel):
    """A retrieved chunk: `text[start:end]` of the document's canonical text."""

    doc_id: str = Field(examples=["001_bf46565b3b65e965"])
    chunk_id: str = Field(examples=["001_bf46565b3b65e965:1f2e3d4c5b6a:2701-2939"])
    text: str = Field(examples=[_EXAMPLE_QUOTE])
    start: int = Field(ge=0, examples=[2701])
    end: int = Field(ge=0, examples=[2939])
    score: float = Field(examples=[0.71])

    @classmethod
    def of(cls, c: RetrievedChunk) -> ChunkOut:
        return cls(
            doc_id=c.doc_id,
            chunk_id=c.chunk_id,
            text=c.text,
            start=c.start,
            end=c.end,
            score=round(c.score, 6),
        )


class RetrieveResponse(BaseModel):
    """The ranked chunks the answerer sees, best first."""

    chunks: list[ChunkOut]


class DocumentSummary(BaseModel):
    """One document of the collection."""

    doc_id: str = Field(examples=["001_bf46565b3b65e965"])
    title: str = Field(examples=["Russia assured today that there is room for military..."])
    chunks: int = Field(ge=0, examples=[11])
    content_hash: str = Field(examples=["1f2e3d4c5b6a..."], description="sha256 of the text.")


class DocumentList(BaseModel):
    """The documents of the collection, by doc_id."""

    documents: list[DocumentSummary]


class DocumentDetail(DocumentSummary):
    """A document with its canonical text, which every offset indexes into."""

    text: str = Field(examples=["Russia assured today that there is room for military..."])


class HealthResponse(BaseModel):
    """Readiness of the store and the embedder."""

    status: str = Field(examples=["ok"])
    store: str = Field(examples=["ok"])
    embedder: str = Field(examples=["all-MiniLM-L6-v2-onnx-int8"])
    documents: int | None = Field(None, examples=[5])
    chunks: int | None = Field(None, examples=[37])


class Problem(BaseModel):
    """An RFC 9457 problem detail (`application/problem+json`)."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no document with doc_id 'nope'"])
    errors: list[dict[str, object]] | None = Field(
        None, description="Per-field validation errors (422 only)."
    )
