"""Language detection (py3langid) and the stemmer each language gets (Snowball)."""

from __future__ import annotations

import pytest

from citedqa.languages import UNDETERMINED, detect, is_foreign, question_language
from citedqa.terms import key_terms


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Dónde se reunieron Putin y Kim?", "es"),
        ("¿Quién ganó la Copa Mundial de Fútbol de 2010?", "es"),  # Extremaduran without limits
        ("Путин и Ким где встретились?", "ru"),
        ("푸틴과 김정은은 어디에서 만났나요?", "ko"),
        ("Where did Putin and Kim Jong Un hold their talks last week?", "en"),
    ],
)
def test_the_language_of_a_question_is_detected(text: str, language: str) -> None:
    assert detect(text) == language


def test_a_short_unsure_english_question_is_read_as_english_not_as_another_language() -> None:
    # Among all 97 languages py3langid says Luxembourgish; among the kept ones it is unsure.
    assert detect("Is Kim Jong Un married?") == UNDETERMINED
    assert question_language("Is Kim Jong Un married?") == "en"
    assert not is_foreign(question_language("Is Kim Jong Un married?"))
    assert detect("2024-03-05 12:00") == UNDETERMINED


def test_each_language_is_stemmed_with_its_own_snowball_stemmer() -> None:
    # Two forms of one verb meet only under their own language's stemmer.
    document = key_terms("Los presidentes se reunieron en el cosmódromo", "es")
    question = key_terms("¿Dónde se reunió el presidente?", "es")
    assert {"reun", "president"} <= set(document) & set(question)
    assert set(key_terms("reunieron")).isdisjoint(key_terms("reunió"))  # English stemmer
    russian = set(key_terms("Президенты встретились на космодроме", "ru"))
    assert {"президент", "встрет"} <= russian & set(key_terms("Где встретился президент?", "ru"))


def test_a_language_without_a_stemmer_is_not_stemmed_and_english_is_as_before() -> None:
    assert key_terms("푸틴과 김정은은 어디에서 만났나요?", "ko") == [
        "푸틴과",
        "김정은은",
        "어디에서",
        "만났나요",
    ]
    unstemmed = ["kim's", "meetings", "were", "held"]
    assert key_terms("Kim's meetings were held", UNDETERMINED) == unstemmed
    assert key_terms("Kim's meetings were held") == ["kim", "meet", "held"]
