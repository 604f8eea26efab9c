"""Hand-computed cases for the per-question metrics and their aggregation."""

from __future__ import annotations

import math

import pytest

from eval.answer_metrics import answer_scores, facts_found, token_f1, tokens, word_count
from eval.catalog import (
    ANSWER_ACCURACY,
    ANSWER_AT_5,
    CITATION_PRECISION,
    CITATION_RECALL,
    CITATION_VALIDITY,
    ERROR_RATE,
    FALSE_REFUSAL_RATE,
    HIT_AT_1,
    HIT_AT_5,
    KEY_FACT_RECALL,
    LATENCY_P50,
    LATENCY_P95,
    LATENCY_P99,
    MEDIAN_ANSWER_WORDS,
    MRR_AT_10,
    NDCG_AT_10,
    REFUSAL_PRECISION,
    REFUSAL_RECALL,
    REFUSAL_RECALL_OFF_TOPIC,
    REFUSAL_RECALL_ON_TOPIC,
    RETRIEVAL_METRICS,
    SOURCES_AT_5,
    TOKEN_F1,
)
from eval.citation_metrics import citation_is_valid, citation_scores
from eval.formatting import fmt_value
from eval.metrics import aggregate, percentile, score_question
from eval.observation import Citation, Observation
from eval.questions import UNANSWERABLE_OFF_TOPIC, UNANSWERABLE_ON_TOPIC, Question
from eval.retrieval_metrics import ndcg, retrieval_scores
from eval.textnorm import normalize, strip_markers

DOC = "Putin met Kim Jong Un. They discussed railways."
DOCS = {"000_a": DOC}


def question(
    qid: str = "q1",
    answers: tuple[tuple[str, ...], ...] = (("railways",),),
    sources: tuple[str, ...] = ("000",),
    answerable: bool = True,
    category: str = "single_fact",
) -> Question:
    return Question(qid, f"question {qid}?", answers, sources, answerable, category)


UNANSWERABLE = question(answers=(), sources=(), answerable=False)


def cite(start: int = 0, end: int = 5, quote: str = "Putin", doc_id: str = "000_a") -> Citation:
    """A citation of ``DOC`` (valid when ``DOC[start:end] == quote``)."""
    return Citation(doc_id, "title", "c0", quote, start, end, 0.9)


def values(q: Question, o: Observation, docs: dict[str, str | None] | None = None) -> dict:
    return {m: r.value for m, r in score_question(q, o, docs or DOCS).items()}


# --- text normalisation and key facts ---------------------------------------------------------


def test_normalize_unifies_case_quotes_dashes_and_punctuation() -> None:
    assert normalize("  The “Big”\u2014Deal’s  COVID\u201119! ") == "the big deal s covid 19"
    assert normalize("ﬁle ２０２４") == "file 2024"  # NFKC


def test_strip_markers() -> None:
    assert strip_markers("Oil[1] and gas [2, 3].") == "Oil  and gas  ."


def test_alternatives_any_counts() -> None:
    facts = (("60 Minutes", "Sixty Minutes"), ("oil",))
    assert facts_found(facts, "He spoke on sixty minutes about OIL.") == [True, True]
    assert facts_found(facts, "He spoke on TV about oil.") == [False, True]


def test_word_boundaries_and_markers() -> None:
    assert facts_found((("2",),), "There were 20 people.") == [False]
    assert facts_found((("rail",),), "They discussed railways.") == [False]
    assert facts_found((("U.S.-led",),), "the u.s. led coalition") == [True]
    assert facts_found((("Kim Jong Un",),), "Kim Jong[1] Un met Putin.") == [True]
    assert facts_found((("1",),), "Putin spoke [1].") == [False]


# --- retrieval -------------------------------------------------------------------------------


def test_hit_mrr_and_ndcg_hand_computed() -> None:
    # Gold 001 and 002; gains by rank: 0, 1, 0 (001 again: no double credit), 1.
    ranked = ["000_a", "001_b", "001_c", "002_d"]
    s = retrieval_scores(question(sources=("001", "002")), ranked)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert s[HIT_AT_1].value == 0.0
    assert s[HIT_AT_5].value == 1.0
    assert s[MRR_AT_10].value == 0.5
    assert s[NDCG_AT_10].value == pytest.approx(dcg / ideal)  # 0.6509
    assert s[NDCG_AT_10].value == pytest.approx(0.650921, abs=1e-6)


def test_retrieval_cut_offs() -> None:
    q = question(sources=("002",))
    s = retrieval_scores(q, ["000_a"] * 5 + ["002_c"])  # rank 6: not in the top 5, in the top 10
    assert (s[HIT_AT_5].value, s[MRR_AT_10].value) == (0.0, pytest.approx(1 / 6))
    s = retrieval_scores(q, ["000_a"] * 10 + ["002_c"])  # rank 11: beyond every cut-off
    assert (s[MRR_AT_10].value, s[NDCG_AT_10].value) == (0.0, 0.0)
    assert ndcg(["002_c"], ("002",)) == 1.0
    assert retrieval_scores(q, [])[HIT_AT_1].value == 0.0  # nothing retrieved


def test_no_gold_source_is_excluded_from_retrieval_but_not_from_answers() -> None:
    q = question(sources=())
    v = values(q, Observation(answer="railways [1]", citations=(cite(38, 46, "railways"),)))
    assert all(v[m] is None for m in RETRIEVAL_METRICS)
    assert v[KEY_FACT_RECALL] == 1.0
    assert (v[CITATION_PRECISION], v[CITATION_RECALL]) == (1.0, 1.0)  # judged by key facts
    with_source = score_question(question(), Observation(retrieved_doc_ids=("000_x",)), DOCS)
    miss = score_question(question(), Observation(retrieved_doc_ids=("001_x",)), DOCS)
    overall = aggregate([with_source, miss, score_question(q, Observation(), DOCS)], [])
    assert overall[HIT_AT_5] == 0.5  # 1 of 2, not 1 of 3


def test_every_source_and_the_answer_within_the_top_5() -> None:
    # A two-hop question: its answer is in the second source only.
    q = question(answers=(("Stanley Hall", "G. Stanley Hall"),), sources=("001", "002"))
    ranked = ("001_a", "003_a", "004_a", "005_a", "002_a", "006_a")
    texts = ("The APA published it.", "x", "x", "x", "Its first president: G. Stanley Hall.", "x")
    s = retrieval_scores(q, ranked, texts)
    assert (s[SOURCES_AT_5].value, s[ANSWER_AT_5].value) == (1.0, 1.0)
    late = ranked[:4] + ranked[5:] + ranked[4:5]  # the second hop sixth
    s = retrieval_scores(q, late, texts[:4] + texts[5:] + texts[4:5])
    assert (s[HIT_AT_5].value, s[SOURCES_AT_5].value, s[ANSWER_AT_5].value) == (1.0, 0.0, 0.0)
    # Every key fact is needed, each in any of the five texts; none without texts.
    two = question(answers=(("APA",), ("Hall",)), sources=("001",))
    assert retrieval_scores(two, ranked, texts)[ANSWER_AT_5].value == 1.0
    assert retrieval_scores(two, ranked[:1], texts[:1])[ANSWER_AT_5].value == 0.0
    assert retrieval_scores(q, ranked)[ANSWER_AT_5].value == 0.0


# --- answers ---------------------------------------------------------------------------------


def test_accuracy_recall_and_f1_hand_computed() -> None:
    q = question(answers=(("oil",), ("nuclear weapons",)))
    s = answer_scores(q, Observation(answer="Oil and gas [1]."))
    # tokens: oil, and, gas vs gold oil, nuclear, weapons: 1 common, P = R = 1/3.
    assert (s[ANSWER_ACCURACY].value, s[KEY_FACT_RECALL].value) == (0.0, 0.5)
    assert s[TOKEN_F1].value == pytest.approx(1 / 3)
    s = answer_scores(q, Observation(answer="Oil [1], due to nuclear weapons [2]."))
    assert (s[ANSWER_ACCURACY].value, s[KEY_FACT_RECALL].value) == (1.0, 1.0)
    assert s[TOKEN_F1].value == pytest.approx(0.75)  # P 3/5 ("due", "to" extra), R 1


def test_token_f1_drops_articles_and_takes_the_best_alternative() -> None:
    assert tokens("The 60 Minutes [1] program.") == ["60", "minutes", "program"]
    assert tokens("The") == ["the"]  # only articles: keep them rather than nothing
    facts = (("Sixty Minutes", "60 Minutes"),)
    # he, spoke, on, 60, minutes, program (6) vs 60, minutes (2): P 1/3, R 1, F1 1/2.
    assert token_f1(facts, "He spoke on the 60 Minutes program [1].") == pytest.approx(0.5)
    assert token_f1(facts, "60 minutes") == 1.0


def test_empty_answer_scores_zero() -> None:
    v = values(question(), Observation(answer=""))
    assert (v[ANSWER_ACCURACY], v[KEY_FACT_RECALL], v[TOKEN_F1]) == (0.0, 0.0, 0.0)
    assert v[CITATION_RECALL] == 0.0  # nothing cited
    assert v[CITATION_PRECISION] is None  # no citation to judge
    assert v[CITATION_VALIDITY] is None


def test_refused_answer_scores_zero_even_if_it_mentions_the_fact() -> None:
    v = values(question(), Observation(answer="Not sure about railways.", refused=True))
    assert (v[ANSWER_ACCURACY], v[KEY_FACT_RECALL], v[TOKEN_F1]) == (0.0, 0.0, 0.0)
    assert (v[FALSE_REFUSAL_RATE], v[REFUSAL_PRECISION], v[REFUSAL_RECALL]) == (1.0, 0.0, None)


def test_unanswerable_question_has_no_answer_or_citation_quality() -> None:
    v = values(UNANSWERABLE, Observation(answer="made up [1]", citations=(cite(),)))
    for metric in (*RETRIEVAL_METRICS, ANSWER_ACCURACY, TOKEN_F1, CITATION_PRECISION):
        assert v[metric] is None
    assert v[CITATION_VALIDITY] == 1.0  # validity applies to every citation
    assert (v[REFUSAL_RECALL], v[REFUSAL_PRECISION], v[FALSE_REFUSAL_RATE]) == (0.0, None, None)


# --- citations -------------------------------------------------------------------------------


def test_citation_validity() -> None:
    assert citation_is_valid(cite(0, 5, "Putin"), DOC)
    assert not citation_is_valid(cite(1, 6, "Putin"), DOC)  # wrong offset
    assert not citation_is_valid(cite(0, 0, ""), DOC)  # empty quote
    assert not citation_is_valid(cite(40, 90, "railways."), DOC)  # out of range
    assert not citation_is_valid(cite(), None)  # document could not be fetched


def test_alce_style_citation_precision_and_recall_hand_computed() -> None:
    q = question(answers=(("railways",), ("Kim Jong Un",)))
    citations = (
        cite(23, 47, "They discussed railways."),  # valid, holds "railways"
        cite(0, 9, "Putin met"),  # valid, holds no key fact
        cite(0, 11, "Kim Jong Un"),  # invalid offsets: cannot support anything
    )
    s = citation_scores(q, Observation(answer="x", citations=citations), DOCS)
    assert s[CITATION_VALIDITY].value == pytest.approx(2 / 3)
    assert s[CITATION_PRECISION].value == pytest.approx(1 / 3)
    assert s[CITATION_RECALL].value == 0.5  # "Kim Jong Un" only in the invalid quote


def test_citation_ratios_aggregate_per_citation() -> None:
    two = score_question(question(), Observation(citations=(cite(), cite(2, 7))), DOCS)
    one = score_question(question(), Observation(citations=(cite(38, 46, "railways"),)), DOCS)
    overall = aggregate([two, one, score_question(question(), Observation(), DOCS)], [])
    assert overall[CITATION_VALIDITY] == pytest.approx(2 / 3)  # 2 valid of 3 citations
    assert overall[CITATION_PRECISION] == pytest.approx(1 / 3)  # 1 supporting of 3
    assert overall[CITATION_RECALL] == pytest.approx(1 / 3)  # mean over 3 questions


def test_no_citations_at_all_is_fully_valid_but_precision_undefined() -> None:
    overall = aggregate([score_question(question(), Observation(), DOCS)], [])
    assert overall[CITATION_VALIDITY] == 1.0
    assert overall[CITATION_PRECISION] is None
    assert fmt_value(CITATION_PRECISION, overall[CITATION_PRECISION]) == "n/a"


# --- refusals and errors ---------------------------------------------------------------------


def test_refusal_precision_recall_and_false_refusal_rate() -> None:
    scores = [
        score_question(UNANSWERABLE, Observation(refused=True), {}),
        score_question(UNANSWERABLE, Observation(answer="made up"), {}),
        score_question(UNANSWERABLE, Observation(refused=True), {}),
        score_question(question(), Observation(refused=True), {}),
        score_question(question(), Observation(answer="railways"), {}),
        score_question(question(), Observation(answer="railways"), {}),
        score_question(question(), Observation(answer="railways", error="500"), {}),
    ]
    overall = aggregate(scores, [])
    assert overall[REFUSAL_PRECISION] == pytest.approx(2 / 3)  # 2 of 3 refusals were right
    assert overall[REFUSAL_RECALL] == pytest.approx(2 / 3)  # 2 of 3 unanswerables refused
    assert overall[FALSE_REFUSAL_RATE] == 0.25
    assert overall[ANSWER_ACCURACY] == 0.75
    assert overall[ERROR_RATE] == pytest.approx(1 / 7)


def test_no_refusal_leaves_refusal_precision_undefined() -> None:
    overall = aggregate([score_question(question(), Observation(answer="railways"), {})], [])
    assert overall[REFUSAL_PRECISION] is None
    assert overall[REFUSAL_RECALL] is None
    assert aggregate([], [])[LATENCY_P50] is None


# --- latency ---------------------------------------------------------------------------------


def test_percentiles() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([40.0, 10.0, 30.0, 20.0], 50) == 25.0
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)
    overall = aggregate([], [100.0, 200.0, 300.0])
    assert (overall[LATENCY_P50], overall[LATENCY_P95], overall[LATENCY_P99]) == (
        200.0,
        290.0,
        pytest.approx(298.0),
    )


# --- refusal recall by kind of unanswerable question -----------------------------------------


ON_TOPIC = question("on", answers=(), sources=(), answerable=False, category=UNANSWERABLE_ON_TOPIC)
OFF_TOPIC = question(
    "off", answers=(), sources=(), answerable=False, category=UNANSWERABLE_OFF_TOPIC
)


def test_refusal_recall_on_and_off_topic_count_their_category_only() -> None:
    scores = [
        score_question(ON_TOPIC, Observation(refused=True), {}),
        score_question(ON_TOPIC, Observation(answer="made up"), {}),
        score_question(ON_TOPIC, Observation(answer="made up"), {}),
        score_question(OFF_TOPIC, Observation(refused=True), {}),
        score_question(UNANSWERABLE, Observation(answer="made up"), {}),  # other category
        score_question(question(), Observation(refused=True), {}),  # answerable: neither
    ]
    overall = aggregate(scores, [])
    assert overall[REFUSAL_RECALL_ON_TOPIC] == pytest.approx(1 / 3)
    assert overall[REFUSAL_RECALL_OFF_TOPIC] == 1.0
    assert overall[REFUSAL_RECALL] == pytest.approx(2 / 5)  # still every unanswerable one
    only_answerable = aggregate([score_question(question(), Observation(refused=True), {})], [])
    assert only_answerable[REFUSAL_RECALL_ON_TOPIC] is None
    assert only_answerable[REFUSAL_RECALL_OFF_TOPIC] is None


# --- answer length ---------------------------------------------------------------------------


def test_word_count_drops_markers_and_punctuation_tokens() -> None:
    assert word_count("They discussed railways [1]. Oil [2, 3] — too.") == 5
    assert word_count("The U.S. said 20% [1][2]") == 4
    assert word_count("[1]") == 0
    assert word_count("") == 0


def test_median_answer_words_counts_answered_answerable_questions_only() -> None:
    scores = [
        score_question(question(), Observation(answer="one two [1]"), {}),  # 2 words
        score_question(question(), Observation(answer="one two three four five six"), {}),
        score_question(question(), Observation(answer="a b c d [1] [2]"), {}),  # 4 words
        score_question(question(), Observation(answer="not counted at all", refused=True), {}),
        score_question(question(), Observation(answer="", error="POST /v1/query: 500"), {}),
        score_question(UNANSWERABLE, Observation(answer="long made up answer here x"), {}),
    ]
    assert [s[MEDIAN_ANSWER_WORDS].value for s in scores[:3]] == [2.0, 6.0, 4.0]
    assert all(s[MEDIAN_ANSWER_WORDS].den == 0 for s in scores[3:])
    assert aggregate(scores, [])[MEDIAN_ANSWER_WORDS] == 4.0  # the median, not the mean
    # An even count takes the midpoint; one long answer does not move it like a mean would.
    four = [*scores[:3], score_question(question(), Observation(answer="w " * 200), {})]
    assert aggregate(four, [])[MEDIAN_ANSWER_WORDS] == 5.0
    assert aggregate(scores[3:], [])[MEDIAN_ANSWER_WORDS] is None
    assert fmt_value(MEDIAN_ANSWER_WORDS, 40.5) == "40.5"
