"""The question-file loader: valid lines parse, bad lines fail naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.errors import QuestionFileError
from eval.questions import (
    UNANSWERABLE_OFF_TOPIC,
    UNANSWERABLE_ON_TOPIC,
    load_questions,
    select,
)
from tests.helpers import ROOT

COMMITTED = ROOT / "eval" / "questions.jsonl"

GOOD = {
    "id": "q1",
    "question": "What?",
    "answers": ["oil", ["60 Minutes", "sixty minutes"]],
    "sources": ["000"],
    "answerable": True,
    "category": "single_fact",
}


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line(**changes: object) -> str:
    record = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...})


def test_loads_alternatives_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, line(), "", line(id="q2", answerable=False, answers=[], sources=[]))
    first, second = load_questions(path)
    assert first.answers == (("oil",), ("60 Minutes", "sixty minutes"))
    assert first.sources == ("000",)
    assert not second.answerable


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (line(category=...), "missing field(s): category"),
        (line(answerable="yes"), "'answerable' must be true or false"),
        (line(answers="oil"), "'answers' must be a list"),
        (line(answers=["oil", []]), "'answers[1]' is an empty list"),
        (line(answers=[3]), "'answers[0]' must be a non-empty string"),
        (line(answers=["..."]), "empty after normalisation"),
        (line(answers=[]), "needs at least one key fact"),
        (line(sources=[""]), "'sources[0]' must be a non-empty string"),
        (line(id="q0"), "duplicate id 'q0' (first on line 1)"),
        (line(split="train"), "'split' must be one of 'dev', 'test', got 'train'"),
        (
            line(category=UNANSWERABLE_OFF_TOPIC),
            "category 'unanswerable_off_topic' needs \"answerable\": false",
        ),
    ],
)
def test_errors_name_the_line(tmp_path: Path, bad: str, message: str) -> None:
    path = write(tmp_path, line(id="q0"), bad)
    with pytest.raises(QuestionFileError) as info:
        load_questions(path)
    assert f"{path}:2: " in str(info.value)
    assert message in str(info.value)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="not found"):
        load_questions(tmp_path / "nope.jsonl")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(write(tmp_path, ""))


def test_split_is_read_and_selected(tmp_path: Path) -> None:
    path = write(tmp_path, line(id="a", split="dev"), line(id="b", split="test"))
    questions = load_questions(path)
    assert [q.split for q in questions] == ["dev", "test"]
    assert [q.id for q in select(questions, "dev")] == ["a"]
    assert [q.id for q in select(questions, "test")] == ["b"]
    assert [q.id for q in select(questions, "all")] == ["a", "b"]
    with pytest.raises(ValueError, match="unknown split"):
        select(questions, "train")


def test_a_file_without_split_fields_is_all_test(tmp_path: Path) -> None:
    questions = load_questions(write(tmp_path, line(id="a"), line(id="b")))
    assert [q.split for q in questions] == ["test", "test"]
    assert select(questions, "dev") == []


def test_split_is_required_on_every_line_once_one_line_has_it(tmp_path: Path) -> None:
    path = write(tmp_path, line(id="a", split="dev"), "", line(id="b"))
    with pytest.raises(QuestionFileError) as info:
        load_questions(path)
    assert f"{path}:3: 'split' must be on every line or on none" in str(info.value)
    assert "(line 1 has it, line 3 does not)" in str(info.value)


# --- the committed seed questions ------------------------------------------------------------


def test_committed_split_alternates_within_each_category_in_id_order() -> None:
    """Deterministic and stratified: the n-th question of a category (by id) is test when n
    is even, dev when odd; so each category is split in half (test takes the odd one)."""
    by_category: dict[str, list[str]] = {}
    questions = sorted(load_questions(COMMITTED), key=lambda q: q.id)
    for q in questions:
        by_category.setdefault(q.category, []).append(q.split)
    for category, splits in by_category.items():
        expected = ["test" if n % 2 == 0 else "dev" for n in range(len(splits))]
        assert splits == expected, category
    dev = len(select(questions, "dev"))
    assert dev <= len(questions) - dev <= dev + len(by_category)


def test_committed_unanswerable_questions_by_kind() -> None:
    questions = load_questions(COMMITTED)
    categories = {q.category for q in questions if not q.answerable}
    assert categories == {UNANSWERABLE_ON_TOPIC, UNANSWERABLE_OFF_TOPIC}
    on_topic = [q for q in questions if q.category == UNANSWERABLE_ON_TOPIC]
    off_topic = [q for q in questions if q.category == UNANSWERABLE_OFF_TOPIC]
    assert len(on_topic) >= 16 + 40 and len(off_topic) >= 10
    assert all(not q.answers and not q.sources for q in on_topic + off_topic)
    assert len({q.question.casefold() for q in questions}) == len(questions)
