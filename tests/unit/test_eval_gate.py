"""The gate: thresholds file, failures naming metric, miss and the costliest questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.catalog import (
    ANSWER_ACCURACY,
    CITATION_VALIDITY,
    FALSE_REFUSAL_RATE,
    MEDIAN_ANSWER_WORDS,
    REFUSAL_RECALL,
    REFUSAL_RECALL_OFF_TOPIC,
    REFUSAL_RECALL_ON_TOPIC,
)
from eval.errors import ThresholdsError
from eval.gate import SHOWN_OFFENDERS, Thresholds, check_gate, format_failures, load_thresholds
from eval.observation import Citation, Observation
from eval.questions import UNANSWERABLE_OFF_TOPIC, UNANSWERABLE_ON_TOPIC, Question
from eval.summary import summarize
from tests.helpers import ROOT

DOC = "Putin met Kim Jong Un. They discussed railways."


def question(qid: str, category: str = "single_fact") -> Question:
    return Question(qid, f"question {qid}?", (("railways",),), ("000",), True, category)


def cite(start: int = 38, end: int = 46) -> Citation:
    return Citation("000_a", "t", "c", "railways", start, end, 0.9)


def test_failure_names_metric_value_threshold_miss_and_questions() -> None:
    questions = [question("q1"), question("q2"), question("q3", category="number")]
    observations = [
        Observation(answer="railways [1]", citations=(cite(),)),
        Observation(answer="no idea"),
        Observation(answer="", refused=True),
    ]
    summary = summarize(questions, observations, {"000_a": DOC})
    assert summary.categories["number"][ANSWER_ACCURACY].value == 0.0
    thresholds = Thresholds(
        minimum={ANSWER_ACCURACY: 0.9, CITATION_VALIDITY: 1.0}, maximum={FALSE_REFUSAL_RATE: 0.5}
    )
    failures = check_gate(summary, thresholds)
    assert [f.metric for f in failures] == [ANSWER_ACCURACY]
    assert failures[0].miss == pytest.approx(0.9 - 1 / 3)
    message = format_failures(failures)
    assert "answer_accuracy: 0.333, required >= 0.900, misses by 0.567 (95% CI [" in message
    assert "q2 (0.000): question q2?" in message
    assert "q3 (0.000): question q3? [refused]" in message
    assert "q1" not in message


def test_offenders_costliest_first_and_capped() -> None:
    # Invalid citations: q1 three, q2 two, the others one each; cost follows that order.
    questions = [question(f"q{i}") for i in range(1, SHOWN_OFFENDERS + 4)]
    observations = [Observation(citations=(cite(0),) * 3), Observation(citations=(cite(0),) * 2)]
    observations += [Observation(citations=(cite(0), cite())) for _ in questions[2:]]
    summary = summarize(questions, observations, {"000_a": DOC})
    (failure,) = check_gate(summary, Thresholds(minimum={CITATION_VALIDITY: 1.0}))
    assert [o.question.id for o in failure.offenders[:2]] == ["q1", "q2"]
    message = format_failures([failure])
    assert f"pulled down by {len(questions)} question(s), costliest first" in message
    assert "... and 3 more (report.json, gate.failures)" in message


def test_fails_on_max_and_on_undefined_metrics() -> None:
    summary = summarize([question("q1")], [Observation(refused=True)], {})
    thresholds = Thresholds(minimum={REFUSAL_RECALL: 0.5}, maximum={FALSE_REFUSAL_RATE: 0.2})
    failures = {f.metric: f for f in check_gate(summary, thresholds)}
    assert failures[REFUSAL_RECALL].value is None
    assert failures[FALSE_REFUSAL_RATE].miss == pytest.approx(0.8)
    message = format_failures(list(failures.values()))
    assert "refusal_recall: n/a (no question counts for it)" in message
    assert "pushed up by 1 question(s)" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[min]\nlatency_p99_ms = 1\n", "latency is reported, never gated"),
        ("[min]\nmrr_at_5 = 0.5\n", "unknown metric"),
        ("[min]\nhit_at_5 = 2\n", "must be a number in [0, 1]"),
        ("[max]\nmedian_answer_words = -1\n", "must be a number >= 0"),
        ("[max]\nmedian_answer_words = true\n", "must be a number"),
        ("[floor]\nhit_at_5 = 0.5\n", "unknown table"),
        ("[min\n", "cannot read thresholds file"),
    ],
)
def test_bad_thresholds_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ThresholdsError, match=message.replace("[", r"\[")):
        load_thresholds(path)


def test_committed_thresholds_load() -> None:
    thresholds = load_thresholds(ROOT / "eval" / "thresholds.toml")
    assert thresholds.minimum[CITATION_VALIDITY] == 1.0
    assert "error_rate" in thresholds.maximum and FALSE_REFUSAL_RATE in thresholds.maximum


def test_median_answer_words_is_gated_as_a_max_naming_the_long_answers(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text("[max]\nmedian_answer_words = 3\n", encoding="utf-8")
    thresholds = load_thresholds(path)
    assert thresholds.maximum == {MEDIAN_ANSWER_WORDS: 3.0}  # a count: not bounded by 1
    answers = ["railways [1]", "they discussed the railways at length [1]", "one two three"]
    questions = [question(f"q{i}") for i in range(len(answers))]
    summary = summarize(questions, [Observation(answer=a) for a in answers], {"000_a": DOC})
    assert summary.value(MEDIAN_ANSWER_WORDS) == 3.0
    assert check_gate(summary, thresholds) == []  # at the bound: passes
    failures = check_gate(summary, Thresholds(maximum={MEDIAN_ANSWER_WORDS: 2.5}))
    assert [f.metric for f in failures] == [MEDIAN_ANSWER_WORDS]
    assert [o.question.id for o in failures[0].offenders] == ["q1", "q2"]  # longest first
    message = format_failures(failures)
    assert "FAIL median_answer_words: 3.0, required <= 2.5, misses by 0.5" in message
    assert "q1 (6.0): question q1?" in message


def test_refusal_recall_by_topic_is_gated_as_a_min() -> None:
    on = Question("u1", "u1?", (), (), False, UNANSWERABLE_ON_TOPIC)
    off = Question("u2", "u2?", (), (), False, UNANSWERABLE_OFF_TOPIC)
    summary = summarize([on, off], [Observation(answer="x"), Observation(refused=True)], {})
    thresholds = Thresholds(minimum={REFUSAL_RECALL_ON_TOPIC: 0.5, REFUSAL_RECALL_OFF_TOPIC: 1.0})
    failures = check_gate(summary, thresholds)
    assert [(f.metric, f.value) for f in failures] == [(REFUSAL_RECALL_ON_TOPIC, 0.0)]
    assert [o.question.id for o in failures[0].offenders] == ["u1"]
