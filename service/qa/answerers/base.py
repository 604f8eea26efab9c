"""The one interface every answer backend implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from service.qa.evidence import Draft, Evidence


class Answerer(Protocol):
    """Turns retrieved evidence into claims, each backed by quotes."""

    name: str
    model: str
    # Chunks it reads beyond the request's top_k (0: exactly top_k). An LLM's prompt stays
    # at top_k; the extractive answerer reads sentences from a wider pool.
    evidence_pool: int

    def prepare(self, questions: Sequence[str]) -> None:
        """Ahead of the drafts of questions asked together, the work they can share (the
        extractive answerer parses them in one spaCy pass); nothing for most answerers."""
        ...

    def draft(self, evidence: Evidence) -> Draft:
        """Answer from the evidence only; return an empty Draft when it does not answer."""
        ...


@runtime_checkable
class StreamingAnswerer(Answerer, Protocol):
    """An answerer that can hand out its text while it is being generated."""

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """Text deltas as they are generated, then exactly one Draft of the whole answer."""
        ...
