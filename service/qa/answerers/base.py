"""The one interface every answer backend implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from citedqa.models import RetrievedChunk


@dataclass(frozen=True, slots=True)
class Evidence:
    """What retrieval found for a question: ranked chunks, and the question's vector."""

    question: str
    vector: np.ndarray
    chunks: list[RetrievedChunk]


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
    """An answerer's output before citations are verified. No claims means no answer.

    `answerer` and `model` name what produced it (the fallback, when one answered instead).
    """

    claims: list[Claim]
    answerer: str = ""
    model: str = ""


class Answerer(Protocol):
    """Turns retrieved evidence into claims, each backed by quotes."""

    name: str
    model: str

    def draft(self, evidence: Evidence) -> Draft:
        """Answer from the evidence only; return an empty Draft when it does not answer."""
        ...


@runtime_checkable
class StreamingAnswerer(Answerer, Protocol):
    """An answerer that can hand out its text while it is being generated."""

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """Text deltas as they are generated, then exactly one Draft of the whole answer."""
        ...
