"""From a draft to an answer: every quote checked against the document, markers numbered."""

from __future__ import annotations

from citedqa.models import Answer, Citation
from service.answerers.base import Draft, Quote
from service.texts import DocumentTexts

REFUSAL = "The documents do not contain an answer to this question."


def refusal() -> Answer:
    """The fixed answer for a question the documents do not answer."""
    return Answer(text=REFUSAL, refused=True, citations=[])


class Citer:
    """Verifies quotes at the source and renders `sentence [n]` answers."""

    def __init__(self, texts: DocumentTexts) -> None:
        self._texts = texts

    def verify(self, quote: Quote) -> Citation | None:
        """A Citation when the quote is verbatim at its offsets in the current document."""
        doc = self._texts.get(quote.chunk.doc_id, quote.chunk.doc_hash)
        chunk = quote.chunk
        if doc is None or not (chunk.start <= quote.start < quote.end <= chunk.end):
            return None
        title, _, text = doc
        quoted = text[quote.start : quote.end]
        if (
            not quoted.strip()
            or chunk.text[quote.start - chunk.start : quote.end - chunk.start] != quoted
        ):
            return None
        return Citation(
            doc_id=chunk.doc_id,
            title=title,
            chunk_id=chunk.chunk_id,
            quote=quoted,
            start=quote.start,
            end=quote.end,
            score=chunk.score,
        )

    def finalize(self, draft: Draft) -> Answer:
        """Drop unverifiable quotes and unsupported claims; no claim left means refusal."""
        citations: list[Citation] = []
        index: dict[tuple[str, int, int], int] = {}
        sentences: list[str] = []
        for claim in draft.claims:
            markers: list[int] = []
            for quote in claim.quotes:
                citation = self.verify(quote)
                if citation is None:
                    continue
                key = (citation.doc_id, citation.start, citation.end)
                if key not in index:
                    citations.append(citation)
                    index[key] = len(citations)
                if index[key] not in markers:
                    markers.append(index[key])
            if markers:
                sentences.append(claim.text.strip() + " " + "".join(f"[{n}]" for n in markers))
        if not sentences:
            return refusal()
        return Answer(text=" ".join(sentences), refused=False, citations=citations)
