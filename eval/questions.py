"""The question file (JSONL): one gold question per line, validated with line numbers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.errors import QuestionFileError
from eval.textnorm import normalize

KeyFact = tuple[str, ...]
"""One key fact: the alternative phrasings, any of which counts."""

_REQUIRED = ("id", "question", "answers", "sources", "answerable", "category")


@dataclass(frozen=True)
class Question:
    """A gold question. ``sources`` are doc_id prefixes."""

    id: str
    question: str
    answers: tuple[KeyFact, ...]
    sources: tuple[str, ...]
    answerable: bool
    category: str


def matches_source(doc_id: str, sources: Sequence[str]) -> bool:
    """True when ``doc_id`` starts with one of the gold source prefixes."""
    return any(doc_id.startswith(prefix) for prefix in sources)


def load_questions(path: Path) -> list[Question]:
    """Read and validate a JSONL question file; raise QuestionFileError naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise QuestionFileError(f"questions file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(f"cannot read questions file {path}: {exc}") from None
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = parse_question(line)
        except ValueError as exc:
            raise QuestionFileError(f"{path}:{lineno}: {exc}") from None
        if question.id in seen:
            raise QuestionFileError(
                f"{path}:{lineno}: duplicate id {question.id!r} (first on line {seen[question.id]})"
            )
        seen[question.id] = lineno
        questions.append(question)
    if not questions:
        raise QuestionFileError(f"{path}: no questions")
    return questions


def parse_question(line: str) -> Question:
    """Parse one JSONL line; raise ValueError with a readable reason."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(raw, dict):
        raise ValueError("expected a JSON object")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    answerable = raw["answerable"]
    if not isinstance(answerable, bool):
        raise ValueError("'answerable' must be true or false")
    answers = tuple(_key_fact(item, index) for index, item in enumerate(_list(raw, "answers")))
    sources = _list(raw, "sources")
    if answerable and not answers:
        raise ValueError("an answerable question needs at least one key fact in 'answers'")
    return Question(
        id=_text(raw, "id"),
        question=_text(raw, "question"),
        answers=answers,
        sources=tuple(_string(item, f"sources[{i}]") for i, item in enumerate(sources)),
        answerable=answerable,
        category=_text(raw, "category"),
    )


def _text(raw: dict[str, Any], key: str) -> str:
    return _string(raw[key], key)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{where}' must be a non-empty string")
    return value


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw[key]
    if not isinstance(value, list):
        raise ValueError(f"'{key}' must be a list")
    return value


def _key_fact(item: Any, index: int) -> KeyFact:
    where = f"answers[{index}]"
    alternatives = item if isinstance(item, list) else [item]
    if not alternatives:
        raise ValueError(f"'{where}' is an empty list of alternatives")
    fact = tuple(_string(alt, where) for alt in alternatives)
    for alt in fact:
        if not normalize(alt):
            raise ValueError(f"'{where}' value {alt!r} is empty after normalisation")
    return fact
