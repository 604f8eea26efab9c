"""Hand-computed cases for eval metrics, aggregation and the gate."""

from __future__ import annotations

import pytest

from eval.formatting import fmt_value
from eval.gate import Thresholds, check_gate, format_failures
from eval.metrics import (
    ANSWER_ACCURACY,
    CITATION_PRECISION,
    CITATION_VALIDITY,
    FALSE_REFUSAL_RATE,
    HIT_AT_5,
    KEY_FACT_RECALL,
    LATENCY_P50,
    LATENCY_P95,
    MRR_AT_5,
    REFUSAL_ACCURACY,
    aggregate,
    answer_scores,
    citation_is_valid,
    facts_found,
    percentile,
    retrieval_scores,
    score_question,
)
from eval.observation import Citation, Observation
from eval.questions import Question
from eval.summary import summarize
from eval.textnorm import normalize, strip_markers

DOC = "Putin met Kim Jong Un. They discussed railways."


def question(
    qid: str = "q1",
    answers: tuple[tuple[str, ...], ...] = (("railways",),),
    sources: tuple[str, ...] = ("000",),
    answerable: bool = True,
    category: str = "single_fact",
) -> Question:
    return Question(qid, f"question {qid}?", answers, sources, answerable, category)


def cite(doc_id: str = "000_a", start: int = 0, end: int = 5, quote: str = "Putin") -> Citation:
    return Citation(doc_id, "title", "c0", quote, start, end, 0.9)


# --- key facts -------------------------------------------------------------------------------


def test_normalize_unifies_case_quotes_dashes_and_punctuation() -> None:
    assert normalize("  The “Big”\u2014Deal’s  COVID\u201119! ") == "the big deal s covid 19"
    assert normalize("ﬁle ２０２４") == "file 2024"  # NFKC


def test_strip_markers() -> None:
    assert strip_markers("Oil[1] and gas [2, 3].") == "Oil  and gas  ."


def test_alternatives_any_counts() -> None:
    facts = (("60 Minutes", "Sixty Minutes"), ("oil",))
    assert facts_found(facts, "He spoke on sixty minutes about OIL.") == [True, True]
    assert facts_found(facts, "He spoke on TV about oil.") == [False, True]


def test_word_boundaries() -> None:
    assert facts_found((("2",),), "There were 20 people.") == [False]
    assert facts_found((("2",),), "There were 2 people.") == [True]
    assert facts_found((("rail",),), "They discussed railways.") == [False]


def test_punctuation_and_case_normalised_on_both_sides() -> None:
    assert facts_found((("U.S.-led",),), "the u.s. led coalition") == [True]
    assert facts_found((("Kim Jong-un",),), "KIM JONG UN said") == [True]


def test_markers_stripped_before_matching() -> None:
    assert facts_found((("Kim Jong Un",),), "Kim Jong[1] Un met Putin.") == [True]
    assert facts_found((("1",),), "Putin spoke [1].") == [False]


def test_accuracy_and_recall() -> None:
    q = question(answers=(("oil",), ("nuclear weapons",)))
    scores = answer_scores(q, Observation(answer="Because of nuclear weapons [1]."))
    assert scores[ANSWER_ACCURACY].value == 0.0
    assert scores[KEY_FACT_RECALL].value == 0.5
    scores = answer_scores(q, Observation(answer="Oil [1], due to nuclear weapons [2]."))
    assert scores[ANSWER_ACCURACY].value == 1.0
    assert scores[KEY_FACT_RECALL].value == 1.0


def test_empty_answer_is_incorrect() -> None:
    scores = answer_scores(question(), Observation(answer=""))
    assert scores[ANSWER_ACCURACY].value == 0.0
    assert scores[KEY_FACT_RECALL].value == 0.0


def test_refused_answer_is_incorrect_even_if_it_mentions_the_fact() -> None:
    scores = answer_scores(question(), Observation(answer="Not sure about railways.", refused=True))
    assert scores[ANSWER_ACCURACY].value == 0.0


def test_unanswerable_question_has_no_accuracy() -> None:
    q = question(answers=(), sources=(), answerable=False)
    assert answer_scores(q, Observation(answer="x"))[ANSWER_ACCURACY].value is None


# --- retrieval -------------------------------------------------------------------------------


def test_hit_and_mrr() -> None:
    q = question(sources=("002",))
    scores = retrieval_scores(q, ["000_a", "001_b", "002_c", "002_c"])
    assert (scores[HIT_AT_5].value, scores[MRR_AT_5].value) == (1.0, pytest.approx(1 / 3))
    scores = retrieval_scores(q, ["000_a"] * 5 + ["002_c"])  # rank 6 is outside the top 5
    assert (scores[HIT_AT_5].value, scores[MRR_AT_5].value) == (0.0, 0.0)


def test_no_gold_source_is_excluded_from_the_average() -> None:
    with_source = score_question(question(sources=("000",)), Observation(), {})
    hit = score_question(question(sources=("000",)), Observation(retrieved_doc_ids=("000_x",)), {})
    no_source = score_question(question(sources=()), Observation(), {})
    assert no_source[HIT_AT_5].value is None
    overall = aggregate([with_source, hit, no_source], [])
    assert overall[HIT_AT_5] == 0.5  # 1 of 2, not 1 of 3
    assert overall[MRR_AT_5] == 0.5


# --- citations -------------------------------------------------------------------------------


def test_citation_validity() -> None:
    assert citation_is_valid(cite(start=0, end=5, quote="Putin"), DOC)
    assert not citation_is_valid(cite(start=1, end=6, quote="Putin"), DOC)  # wrong offset
    assert not citation_is_valid(cite(start=0, end=0, quote=""), DOC)  # empty quote
    assert not citation_is_valid(cite(start=40, end=90, quote="railways."), DOC)  # out of range
    assert not citation_is_valid(cite(), None)  # document could not be fetched


def test_citation_validity_and_precision_are_per_citation() -> None:
    docs = {"000_a": DOC, "001_b": "Another text."}
    good, bad_offset = cite(), cite(start=2, end=7)
    other_doc = cite(doc_id="001_b", start=0, end=7, quote="Another")
    s1 = score_question(question(), Observation(citations=(good, bad_offset)), docs)
    s2 = score_question(question(), Observation(citations=(other_doc,)), docs)
    s3 = score_question(question(), Observation(), docs)
    assert s1[CITATION_VALIDITY].value == 0.5
    assert s3[CITATION_VALIDITY].value is None
    overall = aggregate([s1, s2, s3], [])
    assert overall[CITATION_VALIDITY] == pytest.approx(2 / 3)
    assert overall[CITATION_PRECISION] == pytest.approx(2 / 3)  # other_doc is not a gold source


def test_no_citations_at_all_is_fully_valid_but_precision_undefined() -> None:
    overall = aggregate([score_question(question(), Observation(), {})], [])
    assert overall[CITATION_VALIDITY] == 1.0
    assert overall[CITATION_PRECISION] is None
    assert fmt_value(CITATION_PRECISION, overall[CITATION_PRECISION]) == "n/a"


# --- refusals --------------------------------------------------------------------------------


def test_refusal_accuracy_and_false_refusal_rate() -> None:
    unanswerable = question(answers=(), sources=(), answerable=False)
    scores = [
        score_question(unanswerable, Observation(refused=True), {}),
        score_question(unanswerable, Observation(answer="made up"), {}),
        score_question(unanswerable, Observation(refused=True), {}),
        score_question(question(), Observation(refused=True), {}),
        score_question(question(), Observation(answer="railways"), {}),
        score_question(question(), Observation(answer="railways"), {}),
        score_question(question(), Observation(answer="railways"), {}),
    ]
    overall = aggregate(scores, [])
    assert overall[REFUSAL_ACCURACY] == pytest.approx(2 / 3)
    assert overall[FALSE_REFUSAL_RATE] == 0.25
    assert overall[ANSWER_ACCURACY] == 0.75


def test_undefined_metrics_are_none() -> None:
    overall = aggregate([], [])
    assert overall[REFUSAL_ACCURACY] is None
    assert overall[LATENCY_P50] is None


# --- latency ---------------------------------------------------------------------------------


def test_percentiles() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([40.0, 10.0, 30.0, 20.0], 50) == 25.0
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)
    overall = aggregate([], [100.0, 200.0, 300.0])
    assert (overall[LATENCY_P50], overall[LATENCY_P95]) == (200.0, 290.0)


# --- gate ------------------------------------------------------------------------------------


def test_gate_failure_names_metric_value_threshold_miss_and_questions() -> None:
    questions = [question("q1"), question("q2"), question("q3", category="number")]
    observations = [
        Observation(answer="railways [1]", citations=(cite(),)),
        Observation(answer="no idea"),
        Observation(answer="", refused=True),
    ]
    summary = summarize(questions, observations, {"000_a": DOC})
    assert summary.categories["number"][ANSWER_ACCURACY] == 0.0
    thresholds = Thresholds(
        minimum={ANSWER_ACCURACY: 0.9, CITATION_VALIDITY: 1.0}, maximum={FALSE_REFUSAL_RATE: 0.5}
    )
    failures = check_gate(summary, thresholds)
    assert [f.metric for f in failures] == [ANSWER_ACCURACY]
    assert failures[0].miss == pytest.approx(0.9 - 1 / 3)
    message = format_failures(failures)
    assert "answer_accuracy: 0.333, required >= 0.900, misses by 0.567" in message
    assert "q2 (0.000): question q2?" in message
    assert "q3 (0.000): question q3?" in message
    assert "q1" not in message


def test_gate_fails_on_max_and_on_undefined_metrics() -> None:
    summary = summarize([question("q1")], [Observation(refused=True)], {})
    thresholds = Thresholds(minimum={REFUSAL_ACCURACY: 0.5}, maximum={FALSE_REFUSAL_RATE: 0.2})
    failures = {f.metric: f for f in check_gate(summary, thresholds)}
    assert failures[REFUSAL_ACCURACY].value is None
    assert failures[FALSE_REFUSAL_RATE].miss == pytest.approx(0.8)
    message = format_failures(list(failures.values()))
    assert "refusal_accuracy: n/a" in message
    assert "pushed up by 1 question(s)" in message
