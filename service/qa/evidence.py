"""What the read path hands from stage to stage: evidence, then claims backed by quotes.

Retrieval produces `Evidence`; an answerer turns it into a `Draft` of `Claim`s, each resting on
`Quote`s; the Citer verifies the quotes into an `Answer`. Here, beside the QA service, so that no
stage imports another stage to learn its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from citedqa.models import RetrievedChunk


@dataclass(frozen=True, slots=True)
class Evidence:
    """What retrieval found for a question: ranked chunks, the question's vector and its
    language (ISO 639-1, English when undetermined: see `citedqa.languages`)."""

    question: str
    vector: np.ndarray
    chunks: list[RetrievedChunk]
    language: str = "en"


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


RefusalReason = Literal[
    "no_evidence", "focus_not_found", "no_answer_of_type", "not_supported", "language_not_supported"
]
"""Why an answer was refused: nothing relevant retrieved; no sentence holds what the question
asks about; none holds an answer of the asked kind; every claim failed verification; or the
question is in a language the configured embedder cannot match with the documents."""

REFUSAL_DETAILS: dict[str, str] = {
    "no_evidence": "No passage of the documents is close enough to the question.",
    "focus_not_found": "The passages found do not mention what the question asks for "
    "(they may mention the names in it).",
    "no_answer_of_type": "The passages about it do not give the kind of answer asked for "
    "(a place, a time, a number, a name...).",
    "not_supported": "The model's answer could not be verified against the passages.",
    "language_not_supported": "The question is not in English, and this service's embedder "
    "reads English only (it can be set up with the multilingual one).",
}
"""Each refusal reason in a reader's words, sent as the response's `refusal_detail`: the web
page and the CLI show it as it is, so the words live here once."""


@dataclass(frozen=True, slots=True)
class Draft:
    """An answerer's output before citations are verified. No claims means no answer.

    `answerer` and `model` name what produced it (the fallback, when one answered instead).
    """

    claims: list[Claim]
    answerer: str = ""
    model: str = ""
    refusal_reason: RefusalReason | None = None  # set when the answerer refuses
