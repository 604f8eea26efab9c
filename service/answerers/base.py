"""The one interface every answer backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from citedqa.models import RetrievedChunk


@dataclass(frozen=True, slots=True)
class Quote:
    """A span the answerer claims supports a sentence, in document offsets."""

    chunk: RetrievedChunk
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Claim:
    """One answer sentence and the quotes it rests on."""

    text: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Draft:
    """An answerer's output before citations are verified. No claims means no answer."""

    claims: list[Claim]


class Answerer(Protocol):
    """Turns a question and retrieved evidence into claims, each backed by quotes."""

    name: str

    def draft(self, question: str, evidence: list[RetrievedChunk]) -> Draft:
        """Answer from `evidence` only; return an empty Draft when it does not answer."""
        ...
