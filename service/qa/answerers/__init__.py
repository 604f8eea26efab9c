"""Answer backends, chosen by `CITEDQA_LLM`."""

from __future__ import annotations

from citedqa.settings import Settings
from service.qa.answerers.base import Answerer
from service.qa.answerers.extractive import ExtractiveAnswerer
from service.qa.support import SupportJudge

__all__ = ["Answerer", "ExtractiveAnswerer", "make_answerer"]


def make_answerer(settings: Settings, judge: SupportJudge) -> Answerer:
    """The backend named by `settings.llm`; `judge` picks an LLM answer's quotes."""
    extractive = ExtractiveAnswerer(settings.min_evidence_score, settings.min_sentence_score)
    if settings.llm == "extractive":
        return extractive
    from service.qa.answerers.backends import make_backend
    from service.qa.answerers.fallback import FallbackAnswerer
    from service.qa.answerers.llm import LLMAnswerer

    llm = LLMAnswerer(make_backend(settings), judge, settings.min_evidence_score)
    return FallbackAnswerer(llm, extractive) if settings.llm_fallback_extractive else llm
