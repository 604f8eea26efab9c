"""The second hop over HTTP: a passage that names another document by its title brings
that document into the top chunks (service/qa/titles.py), ahead of passages that merely
share more of the seed's names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.job import ingest_path
from tests.helpers import make_settings, served

DOCS = {
    "kate": "# Kate Ramsay\n\nKate Ramsay is a fictional character from the Australian soap "
    "opera Neighbours, played by Ashleigh Brewer. Kate arrived in Erinsborough in 2009.",
    "neighbours": "# Neighbours\n\nNeighbours is an Australian television soap opera. It was "
    "first broadcast on the Seven Network in 1985. It was created by TV executive Reg Watson.",
    "logie": "# Logie Awards of 2011\n\nAshleigh Brewer was nominated for a Logie award "
    "in 2011 for her role in Neighbours, which was created in Melbourne.",
    "moon": "# Moon\n\nThe Moon is Earth's only natural satellite. It was created when a "
    "body the size of Mars hit the young Earth.",
    "tea": "# Tea\n\nTea is an aromatic beverage prepared by pouring hot water over cured "
    "leaves of the tea plant. It originated in southwest China.",
    "max": "# Max Ramsay\n\nMax Ramsay is a fictional character from the Australian soap opera "
    "Neighbours, played by Francis Bell. The character was created in 1985.",
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("hop-docs")
    for name, text in DOCS.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path_factory.mktemp("hop") / "data")
    ingest_path(settings, folder, show_progress=False)
    with served(settings) as client:
        yield client


def test_the_document_a_seed_names_by_title_is_the_second_hop(api: httpx.Client) -> None:
    question = "Kate Ramsay is a character from an Australian soap opera created by who?"
    reply = api.post("/v1/retrieve", json={"question": question, "top_k": 2})
    assert reply.status_code == 200
    assert [c["doc_id"] for c in reply.json()["chunks"]] == ["kate", "neighbours"]
