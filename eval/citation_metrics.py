"""Citation metrics: validity (verbatim quotes), and ALCE-style precision and recall.

Precision and recall judge the cited quotes against the gold key facts, the way ALCE judges
cited passages against the statements: a citation is *supporting* when it is valid and its
quote contains at least one key fact; recall is the share of key facts some valid quote holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eval.answer_metrics import facts_found
from eval.catalog import CITATION_PRECISION, CITATION_RECALL, CITATION_VALIDITY
from eval.observation import Citation, Observation
from eval.questions import KeyFact, Question
from eval.ratio import EXCLUDED, Ratio, share


def citation_is_valid(citation: Citation, text: str | None) -> bool:
    """True when the quote is non-empty and equals ``text[start:end]``."""
    if text is None or not 0 <= citation.start < citation.end <= len(text):
        return False
    return text[citation.start : citation.end] == citation.quote


def validity(citations: Sequence[Citation], documents: Mapping[str, str | None]) -> list[bool]:
    """Per citation, whether it is valid; ``documents`` maps doc_id to canonical text."""
    return [citation_is_valid(c, documents.get(c.doc_id)) for c in citations]


def support(
    facts: Sequence[KeyFact], citations: Sequence[Citation], valid: Sequence[bool]
) -> list[list[bool]]:
    """Per citation, which key facts its quote contains (none for an invalid citation)."""
    return [
        facts_found(facts, c.quote) if ok else [False] * len(facts)
        for c, ok in zip(citations, valid, strict=True)
    ]


def citation_scores(
    question: Question, observation: Observation, documents: Mapping[str, str | None]
) -> dict[str, Ratio]:
    """Validity over all citations; precision and recall for answerable questions only."""
    citations = observation.citations
    valid = validity(citations, documents)
    scores = {
        CITATION_VALIDITY: Ratio(sum(valid), len(citations)),
        CITATION_PRECISION: EXCLUDED,
        CITATION_RECALL: EXCLUDED,
    }
    facts = question.answers
    if question.answerable and facts:
        found = support(facts, citations, valid)
        covered = [any(row[i] for row in found) for i in range(len(facts))]
        scores[CITATION_PRECISION] = Ratio(sum(any(row) for row in found), len(citations))
        scores[CITATION_RECALL] = share(sum(covered) / len(facts))
    return scores
