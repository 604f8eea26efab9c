"""The extractive answerer's pure parts: clauses, windows, question parts, markers, stems."""

from __future__ import annotations

import pytest

from service.qa.answerers.clauses import segments, shortest_window
from service.qa.answerers.extractive import holds, question_parts
from service.qa.answerers.sentences import sentence_terms
from service.qa.citing import without_markers
from service.qa.support import verbatim


def test_segments_cut_at_clause_boundaries_but_keep_a_preposition_with_which() -> None:
    text = "They talked about agriculture, a sector in which Russia has much to offer."
    pieces = [text[s.start : s.end] for s in segments(text)]
    assert pieces == [
        "They talked about agriculture",
        "a sector",
        "in which Russia has much to offer.",
    ]


def test_shortest_window_keeps_the_answer_and_drops_the_rest() -> None:
    text = "He flew home on Friday, after meeting Kim at the Vostochny Cosmodrome, officials said."
    assert window(text, "Vostochny Cosmodrome", "meeting") == (
        "after meeting Kim at the Vostochny Cosmodrome"
    )


def test_shortest_window_is_the_whole_sentence_when_nothing_can_go() -> None:
    text = "Two rounds of talks followed"
    assert shortest_window(text, (0, 3), lambda piece: 0.0) == (0, len(text))


def test_question_parts_split_two_questions_and_keep_the_lead_in() -> None:
    q = "On sanctions: what did Putin say, and what did Peskov promise Russia would do?"
    assert question_parts(q) == [
        "On sanctions: what did Putin say",
        "On sanctions: what did Peskov promise Russia would do?",
    ]
    assert question_parts("What is the sector in which Russia has much to offer?") == [
        "What is the sector in which Russia has much to offer?"
    ]


def test_markers_are_the_citers_alone() -> None:
    assert without_markers("Russia ships grain [7] to Asia [12].") == "Russia ships grain to Asia."
    assert verbatim("Russia ships grain to Asia", "Russia ships grain [7] to Asia.")


def test_a_date_and_a_predicate_stay_whole() -> None:
    text = "Python 3.0 was released on December 3, 2008, after years of work."
    pieces = [text[s.start : s.end] for s in segments(text)]
    assert pieces[0] == "Python 3.0 was released on December 3, 2008"
    joined = "It was planned as 1.0 and was actually released as Debian 1.1."
    assert len(segments(joined)) == 1  # "and was": no new subject, no new clause


def window(text: str, answer: str, kept: str) -> str:
    """The shortest window holding `answer` when only keeping `kept` is worth anything."""
    at = text.index(answer)
    start, end = shortest_window(text, (at, at + len(answer)), lambda p: float(kept in p))
    return text[start:end]


@pytest.mark.parametrize(
    ("text", "answer", "kept", "expected"),
    [
        (
            'Peskov said Moscow raised "the possibility of cooperating in the space sector" here.',
            "space sector",
            "Moscow",
            'Peskov said Moscow raised "the possibility of cooperating in the space sector"',
        ),
        # No dangling "and" either.
        (
            "Kim called them “hegemonic forces” and “imperialism.”",
            "hegemonic forces",
            "Kim",
            "Kim called them “hegemonic forces”",
        ),
        (
            "It was held at Gllavenica (Ballsh), near the river.",
            "Ballsh",
            "held",
            "It was held at Gllavenica (Ballsh)",
        ),
    ],
)
def test_a_window_never_cuts_a_quotation_open(
    text: str, answer: str, kept: str, expected: str
) -> None:
    assert window(text, answer, kept) == expected


def test_two_names_joined_by_and_stay_one_subject() -> None:
    text = "Russia and North Korea intend to expand cooperation, and Putin said so."
    pieces = [text[s.start : s.end] for s in segments(text)]
    assert pieces == ["Russia and North Korea intend to expand cooperation", "and Putin said so."]


def test_a_window_never_starts_with_a_verb() -> None:
    text = "The release, planned as 1.0, was actually released as Debian 1.1."
    answer = (text.index("Debian 1.1"), text.index("Debian 1.1") + len("Debian 1.1"))
    start, end = shortest_window(text, answer, lambda piece: 0.0)
    assert text[start:end].startswith("The release")


def test_numbered_names_match_exactly() -> None:
    assert holds("debconf", frozenset({"debconf14"})) is False
    assert holds("debconf21", frozenset({"debconf14", "debconf"})) is False
    assert holds("meet", frozenset({"meeting"})) is True


def test_a_sentence_holds_the_singular_of_its_irregular_plurals_and_its_ranks() -> None:
    terms = sentence_terms("The earliest bakers sold 400 loaves to the children.")
    assert {"loaf", "child", "first"} <= terms
