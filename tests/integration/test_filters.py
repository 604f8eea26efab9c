"""`doc_ids` and metadata filters restrict every retrieval mode alike (over HTTP)."""

from __future__ import annotations

import httpx
import pytest

QUESTION = "What did the leaders agree about trade and missiles?"
MODES = ("vector", "bm25", "hybrid")


def retrieve(api: httpx.Client, mode: str, **body: object) -> list[str]:
    response = api.post(
        "/v1/retrieve", json={"question": QUESTION, "retrieval": mode, "top_k": 10, **body}
    )
    assert response.status_code == 200, response.text
    return [c["doc_id"] for c in response.json()["chunks"]]


@pytest.mark.parametrize("mode", MODES)
def test_unfiltered_search_spans_documents(api: httpx.Client, mode: str) -> None:
    assert len(set(retrieve(api, mode))) > 1  # so the filtered cases below can fail


@pytest.mark.parametrize("mode", MODES)
def test_doc_ids_keep_only_those_documents(api: httpx.Client, mode: str) -> None:
    docs = sorted({d["doc_id"] for d in api.get("/v1/documents").json()["documents"]})
    wanted = [docs[0], docs[4]]
    found = retrieve(api, mode, doc_ids=wanted)
    assert found and set(found) <= set(wanted)


@pytest.mark.parametrize("mode", MODES)
def test_metadata_filters_match_exactly(api: httpx.Client, mode: str) -> None:
    by_outlet = retrieve(api, mode, filters={"outlet": "Biobiochile"})
    assert by_outlet and {d[:3] for d in by_outlet} == {"003"}
    assert retrieve(api, mode, filters={"outlet": "No Such Outlet"}) == []
    docs = sorted({d["doc_id"] for d in api.get("/v1/documents").json()["documents"]})
    both = retrieve(api, mode, filters={"outlet": "Biobiochile"}, doc_ids=[docs[0]])
    assert both == []  # 003 is not docs[0]: every condition must hold
