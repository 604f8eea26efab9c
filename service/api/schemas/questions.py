"""Bodies of `/v1/query` and `/v1/retrieve`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from citedqa.models import Answer, Citation, RetrievedChunk
from citedqa.settings import RetrievalMode
from service.api.schemas.common import Text, VisibleText
from service.qa.evidence import REFUSAL_DETAILS

_QUOTE = "Putin and Kim held negotiations this Wednesday at the Russian Vostochny cosmodrome"
_DOC = "001_bf46565b3b65e965"
_CHUNK = f"{_DOC}:1f2e3d4c5b6a:2701-2939"
FilterField = Literal["outlet", "author", "date", "source"]


class QueryRequest(BaseModel):
    """A question, and how to search for it."""

    model_config = ConfigDict(extra="forbid")

    question: VisibleText = Field(
        min_length=1,
        max_length=2000,
        examples=["Where did Putin and Kim meet?"],
        description="The question, 1 to 2000 characters.",
    )
    top_k: int | None = Field(
        None, ge=1, le=50, examples=[5], description="Chunks to retrieve (default: CITEDQA_TOP_K)."
    )
    retrieval: RetrievalMode | None = Field(
        None, examples=["hybrid"], description="hybrid (default), vector or bm25."
    )
    doc_ids: list[Text] | None = Field(
        None,
        min_length=1,
        max_length=100,
        examples=[[_DOC]],
        description="Search only these documents.",
    )
    stream: bool = Field(
        False, examples=[False], description="Answer as Server-Sent Events (see the 200 response)."
    )
    filters: dict[FilterField, Text] | None = Field(
        None,
        examples=[{"outlet": "Biobiochile"}],
        description="Search only documents whose metadata equal these values.",
    )
    debug: bool = Field(
        False, examples=[False], description="Add per-stage `timings` to the response."
    )


class CitationOut(BaseModel):
    """A verbatim quote: `text[start:end] == quote` in the document's canonical text."""

    doc_id: str = Field(examples=[_DOC])
    title: str = Field(examples=["Russia assured today that there is room for military..."])
    chunk_id: str = Field(examples=[_CHUNK])
    quote: str = Field(examples=[_QUOTE])
    start: int = Field(ge=0, examples=[2701])
    end: int = Field(ge=0, examples=[2785])
    score: float = Field(examples=[0.71], description="Retrieval similarity, higher is better.")
    outlet: str | None = Field(None, examples=["EFE"])
    author: str | None = Field(None, examples=[None])
    date: str | None = Field(None, examples=["2023-09-13"])
    page: int | None = Field(None, examples=[None], description="PDF page of the quote.")
    also_reported_by: list[str] = Field(
        default_factory=list,
        examples=[["003_13bda4f2a4d9edd0"]],
        description="Near-duplicate documents that carry the same passage.",
    )

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        meta = c.metadata
        return cls(
            doc_id=c.doc_id,
            title=c.title,
            chunk_id=c.chunk_id,
            quote=c.quote,
            start=c.start,
            end=c.end,
            score=round(c.score, 6),
            outlet=meta.get("outlet"),
            author=meta.get("author"),
            date=meta.get("date"),
            page=meta.get("page"),
            also_reported_by=list(c.also_reported_by),
        )


class StageTimings(BaseModel):
    """Milliseconds spent answering, by stage (with `debug: true`)."""

    embed_ms: float = Field(0.0, ge=0, examples=[4.2], description="Embedding the question.")
    retrieve_ms: float = Field(0.0, ge=0, examples=[9.8], description="Searching (no embed).")
    answer_ms: float = Field(0.0, ge=0, examples=[31.0], description="Answering and citing.")
    total_ms: float = Field(0.0, ge=0, examples=[47.5], description="The whole request so far.")

    @classmethod
    def of(cls, milliseconds: dict[str, float]) -> StageTimings:
        fields = {f"{name}_ms": ms for name, ms in milliseconds.items()}
        return cls(**{k: v for k, v in fields.items() if k in cls.model_fields})


RefusalReasonOut = Literal[
    "no_evidence", "focus_not_found", "no_answer_of_type", "not_supported", "language_not_supported"
]


class QueryResponse(BaseModel):
    """An answer whose sentences carry `[n]` markers: `[n]` is `citations[n-1]`."""

    answer: str = Field(examples=[f"{_QUOTE} [1]"])
    refused: bool = Field(examples=[False], description="True when the documents do not answer.")
    refusal_reason: RefusalReasonOut | None = Field(
        None,
        examples=[None, "focus_not_found"],
        description="Why it refused: no_evidence (nothing relevant retrieved), focus_not_found "
        "(no sentence holds what the question asks about), no_answer_of_type (none holds an "
        "answer of the asked kind: a place for 'where', a time for 'when'...), not_supported "
        "(every claim of an LLM answer failed verification), language_not_supported (the "
        "question is not in English and the embedder is English-only: see "
        "CITEDQA_EMBEDDER). null when answered.",
    )
    refusal_detail: str | None = Field(
        None,
        examples=[None, REFUSAL_DETAILS["focus_not_found"]],
        description="The refusal reason in a reader's words (for a page or a terminal). null "
        "when answered.",
    )
    citations: list[CitationOut]
    answerer: str = Field("", examples=["extractive"], description="The backend that answered.")
    model: str = Field("", examples=["extractive-v2"], description="The model it ran.")
    timings: StageTimings | None = Field(None, description="With `debug: true` only.")

    @classmethod
    def of(cls, a: Answer) -> QueryResponse:
        return cls(
            answer=a.text,
            refused=a.refused,
            refusal_reason=a.refusal_reason,  # type: ignore[arg-type]
            refusal_detail=REFUSAL_DETAILS.get(a.refusal_reason or ""),
            citations=[CitationOut.of(c) for c in a.citations],
            answerer=a.answerer,
            model=a.model,
        )


class ChunkOut(BaseModel):
    """A retrieved chunk: `text[start:end]` of the document's canonical text."""

    doc_id: str = Field(examples=[_DOC])
    chunk_id: str = Field(examples=[_CHUNK])
    text: str = Field(examples=[_QUOTE])
    start: int = Field(ge=0, examples=[2701])
    end: int = Field(ge=0, examples=[2939])
    score: float = Field(
        examples=[0.032522],
        description="What the list is ordered by, higher first: the fused reciprocal-rank "
        "score in hybrid mode, BM25 in bm25 mode, cosine similarity in vector mode.",
    )
    similarity: float = Field(
        examples=[0.71], description="Cosine similarity to the question, in every mode."
    )
    also_reported_by: list[str] = Field(default_factory=list, examples=[[]])

    @classmethod
    def of(cls, c: RetrievedChunk) -> ChunkOut:
        return cls(
            doc_id=c.doc_id,
            chunk_id=c.chunk_id,
            text=c.text,
            start=c.start,
            end=c.end,
            score=round(c.score if c.rank_score is None else c.rank_score, 6),
            similarity=round(c.score, 6),
            also_reported_by=list(c.also_reported_by),
        )


class RetrieveResponse(BaseModel):
    """The ranked chunks the answerer sees, best first (by fused rank in hybrid mode)."""

    chunks: list[ChunkOut]
