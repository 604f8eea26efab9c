"""The default answerer: offline and deterministic, it quotes the evidence itself.

Every sentence of the retrieved chunks is a candidate. It scores by its similarity to the
question (its vector was pooled in the context of its chunk at ingest time), by the share
of the question's key terms it holds (terms rare among the candidates weigh more) and by
its chunk's retrieval similarity. The best sentence must be similar enough to the
question and fit the kind of answer asked for (a number for "how many", a name for
"who", ...); further sentences join only when they add key terms the answer still lacks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from citedqa.models import RetrievedChunk
from citedqa.sentences import sentence_spans
from citedqa.terms import key_terms, stem
from service.qa.evidence import Claim, Draft, Evidence, Quote

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|billion|dozen|several|multiple|multi-fold|twice|double|"
    r"triple|half)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d|\b(today|yesterday|tomorrow|tonight|morning|afternoon|evening|night|day|days|week|weeks|"
    r"month|months|year|years|ago|earlier|later|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|century|decade|hours?)\b",
    re.IGNORECASE,
)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")
_DATE = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b|"
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’'-]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of the evidence with its scores."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    terms: frozenset[str]
    similarity: float
    hits: dict[str, float]  # question terms it holds -> their share of the question's weight

    @property
    def coverage(self) -> float:
        return sum(self.hits.values())

    @property
    def score(self) -> float:
        return self.similarity + 0.5 * self.coverage + 0.25 * self.chunk.score


def expected_kind(question: str) -> str | None:
    """The kind of answer a question asks for, when its wording says so."""
    q = question.lower()
    if re.search(r"\bhow (many|much|long|far|old)\b|\bwhat (number|percentage|share)\b", q):
        return "number"
    if re.search(r"\b(what|which) year\b", q):
        return "year"
    if re.search(r"\b(what|which|calendar) date\b|\bon what day\b", q):
        return "date"
    if re.search(r"\bwhen\b|\b(what|which) (day|time|month)\b", q):
        return "time"
    if re.search(r"^\s*(who|whom|whose)\b|\bwho (is|was|were|are)\b", q):
        return "name"
    return None


def _fits(kind: str | None, text: str, question_terms: set[str]) -> bool:
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "time":
        return bool(_TIME.search(text))
    if kind == "year":
        return bool(_YEAR.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "name":
        return any(stem(m.lower()) not in question_terms for m in _NAME.findall(text))
    return True


class ExtractiveAnswerer:
    """Answers with the evidence sentences that best answer the question."""

    name = "extractive"
    model = "extractive-v1"
    max_sentences = 3

    def __init__(self, min_evidence_score: float, min_sentence_score: float) -> None:
        self.min_evidence_score = min_evidence_score
        self.min_sentence_score = min_sentence_score

    def candidates(self, evidence: Evidence) -> list[Candidate]:
        """Every distinct sentence of the evidence that could answer, best first."""
        question_terms = set(key_terms(evidence.question))
        kind = expected_kind(evidence.question)
        raw = _sentences(evidence)
        weights = _weights(question_terms, [terms for *_, terms, _ in raw])
        total = sum(weights.values()) or 1.0
        out = [
            Candidate(
                chunk=chunk,
                start=start,
                end=end,
                text=text,
                terms=terms,
                similarity=float(vector @ evidence.vector),
                hits={t: w / total for t, w in weights.items() if t in terms},
            )
            for chunk, start, end, text, terms, vector in raw
            if (terms - question_terms) and _fits(kind, text, question_terms)
        ]
        return sorted(out, key=lambda c: c.score, reverse=True)

    def draft(self, evidence: Evidence) -> Draft:
        if not evidence.chunks or evidence.chunks[0].score < self.min_evidence_score:
            return Draft([], self.name, self.model)
        ranked = self.candidates(evidence)
        if not ranked or ranked[0].score < self.min_sentence_score:
            return Draft([], self.name, self.model)
        chosen = [ranked[0]]
        covered = set(ranked[0].hits)
        for cand in ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            gain = sum(w for t, w in cand.hits.items() if t not in covered)
            if gain >= 0.15 and cand.score >= self.min_sentence_score:
                chosen.append(cand)
                covered |= set(cand.hits)
        claims = [Claim(c.text, [Quote(c.chunk, c.start, c.end)]) for c in chosen]
        return Draft(claims, self.name, self.model)


def _sentences(
    evidence: Evidence,
) -> list[tuple[RetrievedChunk, int, int, str, frozenset[str], np.ndarray]]:
    """Each distinct sentence once (overlapping chunks repeat sentences), with its vector."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for chunk in evidence.chunks:
        spans, vectors = chunk.sentences, chunk.sentence_vectors
        if not spans or vectors is None or len(vectors) != len(spans):
            # No stored sentence vectors: fall back to the chunk's own vector.
            spans = tuple((chunk.start + s, chunk.start + e) for s, e in sentence_spans(chunk.text))
            vectors = np.repeat(evidence.vector[None, :] * chunk.score, len(spans), axis=0)
        for (start, end), vector in zip(spans, vectors, strict=True):
            if (chunk.doc_id, start, end) in seen:
                continue
            seen.add((chunk.doc_id, start, end))
            text = chunk.text[start - chunk.start : end - chunk.start]
            out.append((chunk, start, end, text, frozenset(key_terms(text)), vector))
    return out


def _weights(question_terms: set[str], sentence_terms: list[frozenset[str]]) -> dict[str, float]:
    """Inverse frequency among the candidates: a term every sentence has says little."""
    df = Counter(t for terms in sentence_terms for t in terms & question_terms)
    n = len(sentence_terms)
    return {t: math.log(1.0 + (n + 1) / (df[t] + 1)) for t in question_terms}
