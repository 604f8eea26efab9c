"""From a draft to an answer: every quote checked against the document and against its
sentence (service/support.py), markers numbered per sentence."""

from __future__ import annotations

import re
from typing import Any

from citedqa.models import Answer, Citation
from citedqa.records import page_at
from service.qa.evidence import Draft, Quote
from service.qa.support import SupportJudge
from service.qa.texts import DocumentTexts

REFUSAL = "The documents do not contain an answer to this question."
# A marker is the Citer's alone: "[7]" quoted from a document would point at citation 7.
_MARKER = re.compile(r"\s*\[\d+\]")


def refusal(answerer: str = "", model: str = "", reason: str | None = "no_evidence") -> Answer:
    """The fixed answer for a question the documents do not answer, and why."""
    return Answer(
        text=REFUSAL,
        refused=True,
        citations=[],
        answerer=answerer,
        model=model,
        refusal_reason=reason,
    )


def without_markers(text: str) -> str:
    """The text with every `[n]` marker removed (the answer's markers are added after)."""
    return _MARKER.sub("", text)


def _citation_metadata(chunk_metadata: dict[str, Any], offset: int) -> dict[str, Any]:
    """The chunk's source metadata, with the PDF page of the quote itself."""
    meta = {k: v for k, v in chunk_metadata.items() if k != "pages"}
    page = page_at(chunk_metadata, offset)
    return meta | ({"page": page} if page is not None else {})


class Citer:
    """Verifies quotes at the source and renders `sentence [n]` answers.

    With a `judge`, a quote must also support the sentence it is attached to.
    """

    def __init__(self, texts: DocumentTexts, judge: SupportJudge | None = None) -> None:
        self._texts = texts
        self._judge = judge

    def verify(self, quote: Quote) -> Citation | None:
        """A Citation when the quote is verbatim at its offsets in the current document."""
        chunk = quote.chunk
        text = self._texts.get(chunk.doc_id, chunk.doc_hash)
        if text is None or not (chunk.start <= quote.start < quote.end <= chunk.end):
            return None
        quoted = text[quote.start : quote.end]
        if (
            not quoted.strip()
            or chunk.text[quote.start - chunk.start : quote.end - chunk.start] != quoted
        ):
            return None
        return Citation(
            doc_id=chunk.doc_id,
            title=chunk.title,
            chunk_id=chunk.chunk_id,
            quote=quoted,
            start=quote.start,
            end=quote.end,
            score=chunk.score,
            metadata=_citation_metadata(chunk.metadata, quote.start),
            also_reported_by=chunk.also_reported_by,
        )

    def finalize(self, draft: Draft) -> Answer:
        """Drop unverifiable quotes and unsupported claims; no claim left means refusal."""
        citations: list[Citation] = []
        index: dict[tuple[str, int, int], int] = {}
        sentences: list[str] = []
        for claim in draft.claims:
            markers: list[int] = []
            for citation in self._supporting(claim.text, claim.quotes):
                key = (citation.doc_id, citation.start, citation.end)
                if key not in index:
                    citations.append(citation)
                    index[key] = len(citations)
                if index[key] not in markers:
                    markers.append(index[key])
            if markers:
                text = without_markers(claim.text).strip()
                sentences.append(text + " " + "".join(f"[{n}]" for n in markers))
        if not sentences:
            reason = draft.refusal_reason or ("not_supported" if draft.claims else "no_evidence")
            return refusal(draft.answerer, draft.model, reason)
        return Answer(
            text=" ".join(sentences),
            refused=False,
            citations=citations,
            answerer=draft.answerer,
            model=draft.model,
        )

    def _supporting(self, claim: str, quotes: list[Quote]) -> list[Citation]:
        """The claim's quotes that are verbatim in their document and support it."""
        verified: dict[tuple[str, int, int], Citation] = {}
        for quote in quotes:
            citation = self.verify(quote)
            if citation is not None:
                verified.setdefault((citation.doc_id, citation.start, citation.end), citation)
        found = list(verified.values())
        if self._judge is None or not found:
            return found
        return [found[i] for i in sorted(self._judge.select(claim, [c.quote for c in found]))]
