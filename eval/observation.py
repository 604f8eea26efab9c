"""What the service returned for one question: the raw material the metrics score."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from citedqa.client_models import CitationOut


@dataclass(frozen=True)
class Citation:
    """One citation of a /v1/query answer."""

    doc_id: str
    title: str
    chunk_id: str
    quote: str
    start: int
    end: int
    score: float | None = None

    @classmethod
    def of(cls, c: CitationOut) -> Citation:
        """The fields the metrics read, from the client's typed reply."""
        return cls(c.doc_id, c.title, c.chunk_id, c.quote, c.start, c.end, c.score)

    def to_json(self) -> dict[str, Any]:
        """Plain-dict form for the report."""
        return asdict(self)


@dataclass(frozen=True)
class Observation:
    """The service's behaviour on one question. ``error`` is set when a request failed."""

    answer: str = ""
    refused: bool = False
    citations: tuple[Citation, ...] = ()
    retrieved_doc_ids: tuple[str, ...] = ()
    latency_ms: float | None = None
    error: str | None = None
    retrieved_texts: tuple[str, ...] = ()
    """The texts of ``retrieved_doc_ids``' chunks, in the same order."""
