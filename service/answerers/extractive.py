"""The default answerer: offline and deterministic, it quotes the evidence itself.

Each retrieved chunk is cut into sentences; a sentence scores by how much of the
question's key terms it holds (terms rare among the candidates weigh more) plus the
retrieval similarity of its chunk. The best sentence must hold enough of the question and
fit the kind of answer asked for (a number for "how many", a name for "who", ...);
further sentences join only when they add key terms the answer still lacks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from citedqa.models import RetrievedChunk
from citedqa.sentences import sentence_spans
from citedqa.terms import key_terms, stem
from service.answerers.base import Claim, Draft, Quote

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|billion|dozen|several|multiple|first|second|third)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d|\b(today|yesterday|tomorrow|tonight|morning|afternoon|evening|night|day|days|week|weeks|"
    r"month|months|year|years|ago|earlier|later|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|century|decade|hours?)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’'-]+")


@dataclass(frozen=True, slots=True)
class _Candidate:
    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    terms: frozenset[str]


def _expected_kind(question: str) -> str | None:
    q = question.lower()
    if re.search(r"\bhow (many|much|long|far|old)\b|\bwhat (number|percentage|share)\b", q):
        return "number"
    if re.search(r"\bwhen\b|\bwhat (year|date|day|time|month)\b", q):
        return "time"
    if re.search(r"^\s*(who|whom|whose)\b|\bwho (is|was|were|are)\b", q):
        return "name"
    return None


def _fits(kind: str | None, candidate: _Candidate, question_terms: set[str]) -> bool:
    if kind == "number":
        return bool(_NUMBER.search(candidate.text))
    if kind == "time":
        return bool(_TIME.search(candidate.text))
    if kind == "name":
        return any(stem(m.lower()) not in question_terms for m in _NAME.findall(candidate.text))
    return True


class ExtractiveAnswerer:
    """Answers with the evidence sentences that best cover the question."""

    name = "extractive"
    model = "extractive-v1"
    max_sentences = 3

    def __init__(self, min_evidence_score: float, min_term_coverage: float) -> None:
        self.min_evidence_score = min_evidence_score
        self.min_term_coverage = min_term_coverage

    def draft(self, question: str, evidence: list[RetrievedChunk]) -> Draft:
        question_terms = set(key_terms(question))
        if not question_terms or not evidence or evidence[0].score < self.min_evidence_score:
            return Draft([])
        candidates = _candidates(evidence)
        weights = _weights(question_terms, candidates)
        total = sum(weights.values())

        def coverage(terms: frozenset[str] | set[str]) -> float:
            return sum(w for t, w in weights.items() if t in terms) / total

        kind = _expected_kind(question)
        ranked = sorted(
            (c for c in candidates if c.terms - question_terms and _fits(kind, c, question_terms)),
            key=lambda c: coverage(c.terms) + 0.5 * c.chunk.score,
            reverse=True,
        )
        if not ranked or coverage(ranked[0].terms) < self.min_term_coverage:
            return Draft([])
        chosen = [ranked[0]]
        covered = set(ranked[0].terms & question_terms)
        for cand in ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            gain = coverage(cand.terms - covered)
            if gain >= 0.15 and cand.chunk.score >= self.min_evidence_score:
                chosen.append(cand)
                covered |= cand.terms & question_terms
        return Draft([Claim(c.text, [Quote(c.chunk, c.start, c.end)]) for c in chosen])


def _candidates(evidence: list[RetrievedChunk]) -> list[_Candidate]:
    """Sentences of the evidence, each once (overlapping chunks repeat sentences)."""
    seen: set[tuple[str, int, int]] = set()
    out: list[_Candidate] = []
    for chunk in evidence:
        for s, e in sentence_spans(chunk.text):
            key = (chunk.doc_id, chunk.start + s, chunk.start + e)
            if key in seen:
                continue
            seen.add(key)
            text = chunk.text[s:e]
            out.append(_Candidate(chunk, key[1], key[2], text, frozenset(key_terms(text))))
    return out


def _weights(question_terms: set[str], candidates: list[_Candidate]) -> dict[str, float]:
    """Inverse frequency among the candidates: a term every sentence has says little."""
    df = Counter(t for c in candidates for t in c.terms & question_terms)
    n = len(candidates)
    return {t: math.log(1.0 + (n + 1) / (df[t] + 1)) for t in question_terms}
