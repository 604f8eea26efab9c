"""Answer backends, chosen by `CITEDQA_LLM`."""

from __future__ import annotations

from citedqa.settings import Settings
from service.answerers.base import Answerer, Claim, Draft, Evidence, Quote
from service.answerers.extractive import ExtractiveAnswerer
from service.answerers.language import Linguist
from service.answerers.llamacpp import pin_threads
from service.answerers.synonyms import WordMatcher
from service.support import SupportJudge

__all__ = [
    "Answerer",
    "Claim",
    "Draft",
    "Evidence",
    "ExtractiveAnswerer",
    "Quote",
    "make_answerer",
    "pin_threads",
]


def make_answerer(
    settings: Settings, judge: SupportJudge, linguist: Linguist, matcher: WordMatcher
) -> Answerer:
    """The backend named by `settings.llm`; `judge` picks an LLM answer's quotes."""
    extractive = ExtractiveAnswerer(
        linguist,
        settings.min_evidence_score,
        settings.min_sentence_score,
        settings.answer_pool,
        matcher,
    )
    if settings.llm == "extractive":
        return extractive
    from service.answerers.backends import make_backend
    from service.answerers.fallback import FallbackAnswerer
    from service.answerers.llm import LLMAnswerer

    llm = LLMAnswerer(make_backend(settings), judge, settings.min_evidence_score)
    return FallbackAnswerer(llm, extractive) if settings.llm_fallback_extractive else llm
