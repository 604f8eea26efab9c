"""The file format of each question's source, for the report's per-format line.

A corpus that mixes formats (the seeds as PDF, Word and slides beside plain text) shows
whether one of them reads worse: a PDF extractor that breaks sentences costs answer accuracy
on the PDF questions only, which the overall figure would dilute. A question counts under the
format of the first corpus file its gold sources name; questions without gold sources
(unanswerable ones) are in no format's line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from eval.questions import Question, matches_source


def corpus_formats(corpus: Path) -> dict[str, str]:
    """doc_id → format ("pdf", "docx", "txt") of every non-hidden file under ``corpus``.

    The doc_id is ingest's (the path under the corpus without its suffix), computed here
    because eval runs against a service over HTTP without importing citedqa.
    """
    base = corpus.parent if corpus.is_file() else corpus
    files = [corpus] if corpus.is_file() else sorted(corpus.rglob("*"))
    return {
        path.relative_to(base).with_suffix("").as_posix(): path.suffix.lstrip(".").lower()
        or "(none)"
        for path in files
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(base).parts)
    }


def question_format(question: Question, formats: Mapping[str, str]) -> str | None:
    """The format of the first corpus file among ``question``'s gold sources, or None."""
    for doc_id, kind in sorted(formats.items()):
        if question.sources and matches_source(doc_id, question.sources):
            return kind
    return None


def group_by_format(
    questions: Sequence[Question], formats: Mapping[str, str]
) -> dict[str, list[int]]:
    """Format → indexes of its questions; empty unless the questions span two formats."""
    groups: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        if (kind := question_format(question, formats)) is not None:
            groups.setdefault(kind, []).append(index)
    return dict(sorted(groups.items())) if len(groups) > 1 else {}
