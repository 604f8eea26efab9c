"""The question file (JSONL): one gold question per line, validated with line numbers.

Every question of a file is in the ``dev`` or the ``test`` split (field ``split``): the
developer tunes on dev and the gate judges test, so a tuned-for answer does not pass the gate
by being tuned for. A file without any ``split`` field (a user's own) is all test.
"""

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

DEV, TEST = "dev", "test"
SPLITS: tuple[str, ...] = (DEV, TEST)
ALL = "all"
"""Not a split: ``--split all`` selects every question."""

UNANSWERABLE_ON_TOPIC = "unanswerable_on_topic"
"""About entities and events the documents discuss, but the documents do not say the answer."""
UNANSWERABLE_OFF_TOPIC = "unanswerable_off_topic"
"""Nothing to do with the corpus."""
UNANSWERABLE_CATEGORIES: tuple[str, ...] = (UNANSWERABLE_ON_TOPIC, UNANSWERABLE_OFF_TOPIC)


@dataclass(frozen=True)
class Question:
    """A gold question. ``sources`` are doc_id prefixes."""

    id: str
    question: str
    answers: tuple[KeyFact, ...]
    sources: tuple[str, ...]
    answerable: bool
    category: str
    split: str = TEST


def matches_source(doc_id: str, sources: Sequence[str]) -> bool:
    """True when ``doc_id`` starts with one of the gold source prefixes."""
    return any(doc_id.startswith(prefix) for prefix in sources)


def load_questions(path: Path) -> list[Question]:
    """Read and validate a JSONL question file; raise QuestionFileError naming the line.

    ``split`` is required on every line once one line has it (a file half split would put
    the unsplit half silently in test); a file where no line has it is all test.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise QuestionFileError(f"questions file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(f"cannot read questions file {path}: {exc}") from None
    questions: list[Question] = []
    seen: dict[str, int] = {}
    split_line: int | None = None  # the first line with a split field
    unsplit_line: int | None = None  # the first line without one
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question, has_split = _parse(line)
        except ValueError as exc:
            raise QuestionFileError(f"{path}:{lineno}: {exc}") from None
        if has_split:
            split_line = split_line or lineno
        else:
            unsplit_line = unsplit_line or lineno
        if split_line and unsplit_line:
            raise QuestionFileError(
                f"{path}:{lineno}: 'split' must be on every line or on "
                f"none (line {split_line} has it, line {unsplit_line} does not)"
            )
        if question.id in seen:
            raise QuestionFileError(
                f"{path}:{lineno}: duplicate id {question.id!r} (first on line {seen[question.id]})"
            )
        seen[question.id] = lineno
        questions.append(question)
    if not questions:
        raise QuestionFileError(f"{path}: no questions")
    return questions


def select(questions: Sequence[Question], split: str) -> list[Question]:
    """The questions of ``split`` (``dev``, ``test``, or ``all`` for every question)."""
    if split == ALL:
        return list(questions)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (known: {', '.join(SPLITS)}, {ALL})")
    return [q for q in questions if q.split == split]


def parse_question(line: str) -> Question:
    """Parse one JSONL line; raise ValueError with a readable reason."""
    return _parse(line)[0]


def _parse(line: str) -> tuple[Question, bool]:
    """The question and whether the line had a split field."""
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
    category = _text(raw, "category")
    if answerable and category in UNANSWERABLE_CATEGORIES:
        raise ValueError(f'category {category!r} needs "answerable": false')
    split = raw.get("split", TEST)
    if split not in SPLITS:
        raise ValueError(f"'split' must be one of {', '.join(map(repr, SPLITS))}, got {split!r}")
    question = Question(
        id=_text(raw, "id"),
        question=_text(raw, "question"),
        answers=answers,
        sources=tuple(_string(item, f"sources[{i}]") for i, item in enumerate(sources)),
        answerable=answerable,
        category=category,
        split=split,
    )
    return question, "split" in raw


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
