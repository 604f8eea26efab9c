"""Answer backends, chosen by `CITEDQA_LLM`."""

from __future__ import annotations

from citedqa.settings import Settings
from service.answerers.base import Answerer, Claim, Draft, Evidence, Quote
from service.answerers.extractive import ExtractiveAnswerer

__all__ = ["Answerer", "Claim", "Draft", "Evidence", "ExtractiveAnswerer", "Quote", "make_answerer"]


def make_answerer(settings: Settings) -> Answerer:
    """The backend named by `settings.llm`."""
    if settings.llm == "extractive":
        return ExtractiveAnswerer(settings.min_evidence_score, settings.min_sentence_score)
    raise ValueError(f"unknown answerer {settings.llm!r}")  # settings validation prevents this
