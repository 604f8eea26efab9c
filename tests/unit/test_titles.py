"""The documents a passage names by title: the second hop's links."""

from __future__ import annotations

import pytest

from service.qa.titles import MAX_TITLE_TERMS, TitleIndex


def index(**titles: str) -> TitleIndex:
    titles_index = TitleIndex()
    for doc_id, title in titles.items():
        titles_index.add(doc_id, title)
    return titles_index


def test_a_passage_links_the_documents_whose_title_it_names_in_order() -> None:
    titles = index(charmed="Charmed", wb="The WB", neighbours="Neighbours")
    text = "He starred in Charmed, broadcast on The WB from 1998."
    assert titles.linked(text) == ["charmed", "wb"]


def test_a_qualifier_in_parentheses_is_not_part_of_the_name() -> None:
    titles = index(rugby="David Jones (rugby)", film="Meet Me in St. Louis")
    assert titles.linked("The forward David Jones played for Wales.") == ["rugby"]
    assert titles.linked("She starred in Meet Me in St. Louis in 1944.") == ["film"]


def test_a_title_is_linked_by_a_whole_name_or_the_first_words_of_a_longer_one() -> None:
    titles = index(okc="Oklahoma City", united="United", uk="United Kingdom")
    assert titles.linked("He played for the Oklahoma City Thunder.") == ["okc"]
    # A one-word title is no link from inside a longer name ...
    assert titles.linked("He moved to the United States.") == []
    # ... but the longest title at a place is, and a one-word name alone is.
    assert titles.linked("He moved to the United Kingdom, then United.") == ["uk", "united"]


def test_a_common_word_in_lower_case_is_no_link() -> None:
    titles = index(psychology="Psychology")
    assert titles.linked("A journal of psychology and psychotherapy.") == []
    assert titles.linked("A journal of Psychology.") == ["psychology"]


def test_skipped_documents_and_overlong_titles_are_left_out() -> None:
    long_title = " ".join(f"Word{i}" for i in range(MAX_TITLE_TERMS + 1))
    titles = index(seed="Kate Ramsay", show="Neighbours", long=long_title)
    text = f"Kate Ramsay is a character of Neighbours. {long_title}."
    assert titles.linked(text, skip=["seed"]) == ["show"]


def test_a_passage_s_names_are_read_once_however_often_it_is_linked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import service.qa.titles as titles_module

    titles = index(charmed="Charmed", wb="The WB")
    text = "She starred in Charmed, broadcast by The WB in 1999."
    assert titles.linked(text) == ["charmed", "wb"]
    monkeypatch.setattr(titles_module, "key_terms", lambda *_: pytest.fail("read again"))
    assert titles.linked(text) == ["charmed", "wb"]
    assert titles.linked(text, skip=("charmed",)) == ["wb"]
