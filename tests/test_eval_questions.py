"""The question-file loader: valid lines parse, bad lines fail naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.errors import QuestionFileError
from eval.questions import load_questions

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
