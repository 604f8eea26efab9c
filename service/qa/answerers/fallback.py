"""`CITEDQA_LLM_FALLBACK_EXTRACTIVE`: answer extractively while the LLM is unavailable."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from citedqa.errors import LLMUnavailableError
from service.qa.answerers.base import Answerer, StreamingAnswerer
from service.qa.evidence import Draft, Evidence

log = logging.getLogger("citedqa")


class FallbackAnswerer:
    """Drafts with `primary`; when it is unreachable or too slow, with `fallback` instead.

    The draft names whichever answerer produced it, so the response tells the two apart.
    """

    def __init__(self, primary: Answerer, fallback: Answerer) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        self.model = primary.model
        self.evidence_pool = primary.evidence_pool

    def prepare(self, questions: Sequence[str]) -> None:
        """The primary's; the fallback, seldom asked, prepares its own when it is."""
        self.primary.prepare(questions)

    def draft(self, evidence: Evidence) -> Draft:
        try:
            return self.primary.draft(evidence)
        except LLMUnavailableError as exc:
            log.warning("%s; answering with the %s answerer", exc.message, self.fallback.name)
            return self.fallback.draft(evidence)

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """The primary's stream; before its first words, the fallback's draft on failure."""
        if not isinstance(self.primary, StreamingAnswerer):
            yield self.draft(evidence)
            return
        started = False
        try:
            for item in self.primary.stream(evidence):
                started = True
                yield item
        except LLMUnavailableError as exc:
            if started:
                raise  # text already went out: report the failure rather than mix answers
            log.warning("%s; answering with the %s answerer", exc.message, self.fallback.name)
            yield self.fallback.draft(evidence)
