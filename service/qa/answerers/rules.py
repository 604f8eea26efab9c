"""The extractive answerer's refusal rules, for answers an LLM writes.

An LLM answer is held to what the extractive answer is held to (issue 14): refused with
`focus_not_found` when the passages never mention what the question asks about (checked
before the LLM is called: a question about a population the passages never mention costs no
generation), and with `no_answer_of_type` when none of its verified sentences holds an answer
of the asked kind (no place in an answer to "where"). A sentence that gives the question's
names other roles ("Moon thanked Putin" for "Who did Putin thank?", `roles`) is dropped, and
the answer refused with `focus_not_found` when none is left. An LLM words things its own way,
so the focus may be in the passages in other words (`synonyms`).
"""

from __future__ import annotations

from collections.abc import Sequence

from citedqa.terms import stopwords, words
from service.qa.answerers.answer_types import answer_spans
from service.qa.answerers.extractive import holds, parse_ahead, question_parts
from service.qa.answerers.language import Linguist
from service.qa.answerers.question_frame import QuestionFrame, frame
from service.qa.answerers.roles import conflicts
from service.qa.answerers.sentences import sentence_terms
from service.qa.answerers.synonyms import WordMatcher
from service.qa.evidence import Evidence


class AnswerRules:
    """Whether passages mention what a question asks, and whether a text answers its kind."""

    def __init__(self, linguist: Linguist, matcher: WordMatcher | None = None) -> None:
        self._linguist = linguist
        self._matcher = matcher

    def prepare(self, questions: Sequence[str]) -> None:
        """Parse a batch's questions in one pass, ahead of their `frames`."""
        parse_ahead(self._linguist, questions)

    def frames(self, question: str) -> list[QuestionFrame]:
        """One frame a part of the question ("Who ..., and where ...?" has two)."""
        return [frame(self._linguist.parse(part)) for part in question_parts(question)]

    def mentioned(self, evidence: Evidence, frames: Sequence[QuestionFrame]) -> bool:
        """Every part's focus and main verb are somewhere in the passages (in other words
        when the word matcher allows)."""
        text = "\n".join(f"{c.title}\n{c.text}" for c in evidence.chunks)
        pool = sentence_terms(text)
        stop = stopwords()
        vocabulary = [w for w in dict.fromkeys(words(text)) if w not in stop and w.isalpha()]
        for asked in frames:
            for term in asked.required | asked.event:
                if holds(term, pool):
                    continue
                word = asked.words.get(term)
                if self._matcher is None or word is None:
                    return False
                self._matcher.prepare([word, *vocabulary])
                if not self._matcher.near(word, vocabulary):
                    return False
        return True

    def answers_kind(self, texts: Sequence[str], frames: Sequence[QuestionFrame]) -> bool:
        """Some text holds an answer of the kind some part of the question asks for."""
        entities = self._linguist.entities(list(texts))
        return any(
            (spans := answer_spans(text, found, asked)) is None or bool(spans)
            for asked in frames
            for text, found in zip(texts, entities, strict=True)
        )

    def contradicts(self, text: str, frames: Sequence[QuestionFrame]) -> bool:
        """The text gives a name of the question another role (`roles`)."""
        return any(
            f.roles and conflicts(f.roles, self._linguist.parse_sentence(text)) for f in frames
        )
