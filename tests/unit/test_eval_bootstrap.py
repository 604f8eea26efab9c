"""Bootstrap intervals and the paired bootstrap, on cases whose answer is known."""

from __future__ import annotations

import pytest

from eval.bootstrap import Estimate, estimates, paired_intervals
from eval.catalog import (
    ANSWER_ACCURACY,
    CITATION_VALIDITY,
    FALSE_REFUSAL_RATE,
    LATENCY_P50,
    MEDIAN_ANSWER_WORDS,
    REFUSAL_RECALL,
)
from eval.ratio import Ratio, flag


def accuracy(*outcomes: bool) -> list[dict[str, Ratio]]:
    return [{ANSWER_ACCURACY: flag(ok)} for ok in outcomes]


def test_two_questions_hand_computed() -> None:
    # Resamples of {0, 1}: mean 0 (p 1/4), 0.5 (1/2), 1 (1/4): the 95% interval is [0, 1].
    e = estimates(accuracy(False, True), [10.0, 30.0])[ANSWER_ACCURACY]
    assert (e.value, e.low, e.high, e.n) == (0.5, 0.0, 1.0, 2)


def test_constant_values_give_a_point_interval() -> None:
    result = estimates(accuracy(True, True, True), [5.0, 5.0, 5.0])
    assert result[ANSWER_ACCURACY] == Estimate(1.0, 1.0, 1.0, 3)
    assert result[LATENCY_P50] == Estimate(5.0, 5.0, 5.0, 3)


def test_interval_contains_the_value_and_is_deterministic() -> None:
    scores = accuracy(*([True] * 30 + [False] * 10))
    first = estimates(scores, [None] * 40)[ANSWER_ACCURACY]
    assert first == estimates(scores, [None] * 40)[ANSWER_ACCURACY]
    assert first.low is not None and first.high is not None
    assert 0.0 <= first.low < first.value == 0.75 < first.high <= 1.0
    assert estimates(scores, [None] * 40)[LATENCY_P50] == Estimate(None, None, None, 0)


def test_undefined_metrics_and_empty_defaults() -> None:
    result = estimates(accuracy(True), [None])
    assert result[REFUSAL_RECALL] == Estimate(None, None, None, 0)
    assert result[CITATION_VALIDITY] == Estimate(1.0, 1.0, 1.0, 0)  # no citation: none invalid
    assert estimates([], [])[ANSWER_ACCURACY] == Estimate(None)


def test_paired_intervals() -> None:
    old, new = accuracy(True, True, False, False), accuracy(True, True, True, True)
    same = paired_intervals(old, old, [1.0] * 4, [1.0] * 4)
    assert same[ANSWER_ACCURACY] == (0.0, 0.0)
    low, high = paired_intervals(new, old, [1.0] * 4, [2.0] * 4)[ANSWER_ACCURACY]
    assert 0.0 <= low <= 0.5 <= high <= 1.0  # the two flipped questions: delta 0.5 on average
    assert paired_intervals(new, old, [1.0] * 4, [2.0] * 4)[LATENCY_P50] == (-1.0, -1.0)
    assert paired_intervals(new, old, [None] * 4, [None] * 4)[FALSE_REFUSAL_RATE] is None
    with pytest.raises(ValueError, match="same questions"):
        paired_intervals(new, old[:2], [], [])


def test_json_round_trip_and_older_reports() -> None:
    e = Estimate(0.5, 0.25, 0.75, 8)
    assert Estimate.from_json(e.to_json()) == e
    assert Estimate.from_json(0.9) == Estimate(0.9)
    assert Estimate.from_json(None) == Estimate(None)


def test_median_answer_words_interval_resamples_the_median() -> None:
    words = [{MEDIAN_ANSWER_WORDS: Ratio(float(n), 1.0)} for n in (10, 20, 30)]
    words.append({MEDIAN_ANSWER_WORDS: Ratio(0.0, 0.0)})  # a refusal: does not count
    e = estimates(words, [None] * 4)[MEDIAN_ANSWER_WORDS]
    assert (e.value, e.n) == (20.0, 3)
    assert e.low is not None and e.high is not None
    assert 10.0 <= e.low < 20.0 < e.high <= 30.0  # a median of resampled values, not a mean
    same = [{MEDIAN_ANSWER_WORDS: Ratio(7.0, 1.0)}] * 3
    assert estimates(same, [None] * 3)[MEDIAN_ANSWER_WORDS] == Estimate(7.0, 7.0, 7.0, 3)
    interval = paired_intervals(same, words[:3], [None] * 3, [None] * 3)[MEDIAN_ANSWER_WORDS]
    assert interval is not None
    low, high = interval
    assert -23.0 <= low < high <= -3.0  # 7 minus a resampled median of 10, 20 and 30
