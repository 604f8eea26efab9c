"""The second hop's query (what the seed has not answered, and the names it adds) and how
its hits are merged after their seeds."""

from __future__ import annotations

import pytest

from service.qa.bridging import bridge_query, merge_hops

QUESTION = "Who was the first president of the association which published Journal of Psychotherapy Integration?"  # noqa: E501
SEED = (
    "The Journal of Psychotherapy Integration is a peer-reviewed academic journal published by "
    "the American Psychological Association on behalf of the Society for the Exploration of "
    "Psychotherapy Integration. The editor-in-chief is Jennifer Callahan."
)


def test_the_words_the_seed_does_not_hold_then_the_names_it_adds() -> None:
    # The seed answers "association", "published", "Journal"...; "first president" is open
    # (stop words stay: they weigh nothing in BM25, and the query is embedded as a sentence).
    # "Association" is no new name: the question asks for an association.
    query = bridge_query(QUESTION, SEED, max_names=8)
    assert query == (
        "Who was the first president of the which of American Psychological Society "
        "Exploration Jennifer Callahan"
    )


def test_stops_at_max_names() -> None:
    assert bridge_query(QUESTION, SEED, max_names=2) == (
        "Who was the first president of the which of American Psychological"
    )


def test_names_are_compared_as_key_terms() -> None:
    # "Beatles'" is the question's "Beatles"; a sentence's first word is no name.
    seed = "Their song was by the Beatles' label Apple. Then Lennon left."
    assert bridge_query("Which company signed the Beatles?", seed, 8) == (
        "Which company signed the Apple Lennon"
    )


def test_none_when_the_seed_adds_no_name() -> None:
    seed = "It is a journal. The Journal of Psychotherapy Integration."
    assert bridge_query(QUESTION, seed, 8) is None
    assert bridge_query(QUESTION, "only lowercase words here", 8) is None


def cid(doc: str, n: int = 0) -> str:
    return f"{doc}:{'0' * 12}:{n}-{n + 1}"


FIRST = [(cid("a"), 0.05), (cid("b"), 0.04), (cid("c"), 0.03), (cid("d"), 0.02)]


def test_hits_go_after_their_seed_gap_places_apart() -> None:
    hops = {cid("a"): [(cid("x"), 9.0), (cid("y"), 8.0)], cid("b"): [(cid("z"), 9.0)]}
    merged = merge_hops(FIRST, hops, gap=2)
    assert [c[0][0] for c in merged] == ["a", "x", "b", "z", "c", "y", "d"]
    # scores: a kept, x between a and b, ... and still descending
    assert [s for _, s in merged] == pytest.approx([0.05, 0.045, 0.04, 0.035, 0.03, 0.025, 0.02])


def test_the_seed_document_is_skipped_and_the_higher_place_wins() -> None:
    # "a" found again by its own hop (another chunk of it) is skipped; "d" moves up to 0.5,
    # "c" found lower than its own place stays.
    hops = {cid("a"): [(cid("a", 5), 9.0), (cid("d"), 8.0), (cid("c"), 7.0)]}
    merged = merge_hops(FIRST, hops, gap=2)
    assert [c for c, _ in merged] == [cid("a"), cid("d"), cid("b"), cid("c")]


def test_hits_past_the_end_score_as_the_last() -> None:
    merged = merge_hops(FIRST[:1], {cid("a"): [(cid("x"), 1.0), (cid("y"), 0.5)]}, gap=1)
    assert merged == [(cid("a"), 0.05), (cid("x"), 0.05), (cid("y"), 0.05)]


def test_a_hit_already_placed_higher_leaves_its_slot_to_the_next() -> None:
    # b's hop finds "a" (already first) then "x": "a" keeps its place, "x" takes b's first
    # slot instead of the second (before, "x" fell behind c and d).
    hops = {cid("b"): [(cid("a"), 9.0), (cid("x"), 8.0)]}
    merged = merge_hops(FIRST, hops, gap=2)
    assert [c[0][0] for c in merged] == ["a", "b", "x", "c", "d"]


def test_a_seed_is_read_once_however_many_questions_it_seeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import service.qa.bridging as bridging

    seed = SEED + " It is indexed in PsycINFO."  # a text no other test has read
    other = "Which editor-in-chief published Journal of Psychotherapy Integration?"
    first = bridge_query(QUESTION, seed, max_names=8)
    read: list[str] = []
    key_terms = bridging.key_terms
    monkeypatch.setattr(bridging, "key_terms", lambda t, *a: read.append(t) or key_terms(t, *a))
    assert bridge_query(QUESTION, seed, max_names=8) == first
    assert bridge_query(other, seed, max_names=8) == (
        "Which of American Psychological Association Society Exploration Jennifer Callahan PsycINFO"
    )
    # Only the questions and their words are read again, never the seed or its names.
    assert read and seed not in read and not {"Jennifer", "Callahan", "PsycINFO"} & set(read)
