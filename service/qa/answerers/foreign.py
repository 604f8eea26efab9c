"""Questions in another language than English, before the extractive answerer sees them.

The extractive answerer reads a question with English rules (spaCy's English model, question
words, the kind of answer asked for, stems), so it cannot read "¿Dónde se reunieron Putin y
Kim?". With the multilingual embedder the question's vector still lands near the English
sentence that answers it: that sentence, quoted whole, is the answer when it is similar
enough (`CITEDQA_MIN_FOREIGN_SENTENCE_SCORE`). With MiniLM (English only) the question's
vector says nothing about the documents, so the question is refused as
`language_not_supported` rather than answered from noise.
"""

from __future__ import annotations

from collections.abc import Sequence

from citedqa.languages import is_foreign
from service.qa.answerers.base import Answerer
from service.qa.answerers.sentences import evidence_sentences
from service.qa.evidence import Claim, Draft, Evidence, Quote, RefusalReason

_MIN_WORDS = 5  # a heading or a label line ("Photo: ...") is no answer


class LanguageRouter:
    """English questions (and undetermined ones) to `english`; others answered here."""

    def __init__(
        self,
        english: Answerer,
        *,
        multilingual: bool,
        min_evidence_score: float,
        min_sentence_score: float,
    ) -> None:
        self.english = english
        self.name = english.name
        self.model = english.model
        self.evidence_pool = english.evidence_pool
        self.multilingual = multilingual
        self.min_evidence_score = min_evidence_score
        self.min_sentence_score = min_sentence_score

    def prepare(self, questions: Sequence[str]) -> None:
        """The English answerer's (a foreign question costs it a wasted parse, no more)."""
        self.english.prepare(questions)

    def draft(self, evidence: Evidence) -> Draft:
        if not is_foreign(evidence.language):
            return self.english.draft(evidence)
        if not self.multilingual:
            return self._refuse("language_not_supported")
        if not evidence.chunks or evidence.chunks[0].score < self.min_evidence_score:
            return self._refuse("no_evidence")
        rows = [row for row in evidence_sentences(evidence) if len(row[3].split()) >= _MIN_WORDS]
        if not rows:
            return self._refuse("focus_not_found")
        chunk, start, end, text, _, vector = max(rows, key=lambda r: float(r[5] @ evidence.vector))
        if float(vector @ evidence.vector) < self.min_sentence_score:
            return self._refuse("focus_not_found")
        quote = Quote(chunk, start, end)
        return Draft([Claim(text.strip(), [quote])], self.name, self.model)

    def _refuse(self, reason: RefusalReason) -> Draft:
        return Draft([], self.name, self.model, refusal_reason=reason)
