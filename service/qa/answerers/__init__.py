"""Answer backends, chosen by `CITEDQA_LLM`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citedqa.settings import Settings
from service.qa.answerers.base import Answerer
from service.qa.answerers.extractive import ExtractiveAnswerer
from service.qa.answerers.foreign import LanguageRouter
from service.qa.answerers.language import Linguist
from service.qa.answerers.rules import AnswerRules
from service.qa.answerers.synonyms import WordMatcher
from service.qa.support import SupportJudge

if TYPE_CHECKING:
    from service.qa.answerers.backends import Backend

__all__ = ["Answerer", "ExtractiveAnswerer", "make_answerer", "make_backend"]


def make_backend(settings: Settings) -> Backend | None:
    """The LLM backend named by `settings.llm`; None for the offline answerer."""
    if settings.llm == "extractive":
        return None
    from service.qa.answerers import backends  # the LLM clients: imported only when used

    return backends.make_backend(settings)


def make_answerer(
    settings: Settings,
    judge: SupportJudge,
    backend: Backend | None,
    linguist: Linguist,
    matcher: WordMatcher,
    *,
    multilingual: bool = False,
) -> Answerer:
    """The answerer over `backend` (extractive without one); `judge` picks an LLM's quotes.

    The offline answerer reads English: a question in another language is answered by
    similarity with a `multilingual` embedder, else refused (`LanguageRouter`). An LLM
    reads the question itself.
    """
    extractive = LanguageRouter(
        ExtractiveAnswerer(
            linguist,
            settings.min_evidence_score,
            settings.min_sentence_score,
            settings.answer_pool,
        ),
        multilingual=multilingual,
        min_evidence_score=settings.min_evidence_score,
        min_sentence_score=settings.min_foreign_sentence_score,
    )
    if backend is None:
        return extractive
    from service.qa.answerers.fallback import FallbackAnswerer
    from service.qa.answerers.llm import LLMAnswerer

    rules = AnswerRules(linguist, matcher)
    llm = LLMAnswerer(backend, judge, settings.min_evidence_score, rules)
    return FallbackAnswerer(llm, extractive) if settings.llm_fallback_extractive else llm
