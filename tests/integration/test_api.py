"""The HTTP contract, over real HTTP to the real app on the seeded store."""

import json

import httpx
import pytest

from service.qa.citing import REFUSAL
from tests.helpers import ROOT, check_citations

PROBLEM = "application/problem+json"


def test_where_did_putin_and_kim_meet(api: httpx.Client) -> None:
    response = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"})
    assert response.status_code == 200
    body = response.json()
    assert body["refused"] is False
    assert "Vostochny" in body["answer"]
    assert body["citations"]
    check_citations(api, body)


def test_the_readme_example_is_what_the_service_answers(api: httpx.Client) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("Then ask:", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    answer = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"}).json()
    assert answer == json.loads(example)


@pytest.mark.parametrize(
    "question",
    [
        "Which recipe uses butter and chocolate?",
        "What is the capital of Australia?",
        "How many goals did the football team score in the final?",
    ],
)
def test_no_evidence_means_refusal(api: httpx.Client, question: str) -> None:
    body = api.post("/v1/query", json={"question": question}).json()
    assert (body["answer"], body["refused"], body["citations"]) == (REFUSAL, True, [])


def test_every_sentence_carries_a_marker(api: httpx.Client) -> None:
    body = api.post("/v1/query", json={"question": "What did Putin say about agriculture?"}).json()
    assert not body["refused"]
    check_citations(api, body)
    for sentence in body["answer"].split("] "):
        assert "[" in sentence


def test_retrieve_returns_ranked_chunks_with_offsets(api: httpx.Client) -> None:
    body = api.post("/v1/retrieve", json={"question": "Kim's armored train", "top_k": 3}).json()
    chunks = body["chunks"]
    assert len(chunks) == 3
    vector_only = api.post(
        "/v1/retrieve", json={"question": "Kim's armored train", "top_k": 3, "retrieval": "vector"}
    ).json()["chunks"]
    assert [c["score"] for c in vector_only] == sorted(
        (c["score"] for c in vector_only), reverse=True
    )
    for chunk in chunks:
        text = api.get(f"/v1/documents/{chunk['doc_id']}").json()["text"]
        assert text[chunk["start"] : chunk["end"]] == chunk["text"]


@pytest.mark.parametrize("mode", ["hybrid", "vector", "bm25"])
def test_retrieve_scores_follow_the_order_with_similarity_beside(
    api: httpx.Client, mode: str
) -> None:
    body = {"question": "Where did Putin and Kim meet?", "top_k": 10, "retrieval": mode}
    chunks = api.post("/v1/retrieve", json=body).json()["chunks"]
    scores = [c["score"] for c in chunks]
    assert len(chunks) == 10 and scores == sorted(scores, reverse=True)
    assert all(-1.0 <= c["similarity"] <= 1.0 for c in chunks)
    if mode == "vector":
        assert scores == pytest.approx([c["similarity"] for c in chunks], abs=1e-5)
    else:  # the order is not the similarity's (that was the bug)
        assert [c["similarity"] for c in chunks] != sorted(
            (c["similarity"] for c in chunks), reverse=True
        )


def test_documents_list_and_detail(api: httpx.Client) -> None:
    docs = api.get("/v1/documents").json()["documents"]
    assert [d["doc_id"][:3] for d in docs] == ["000", "001", "002", "003", "004"]
    assert all(d["chunks"] > 0 and len(d["content_hash"]) == 64 for d in docs)
    one = api.get(f"/v1/documents/{docs[0]['doc_id']}").json()
    assert one["text"].startswith("Russia and North Korea intend")
    assert one["title"] == one["text"].split("\n")[0]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({}, "question"),
        ({"question": ""}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "ok", "top_k": 0}, "top_k"),
        ({"question": "ok", "top_k": 51}, "top_k"),
        ({"question": "ok", "top_k": "five"}, "top_k"),
        ({"question": 42}, "question"),
        ({"question": "ok", "surprise": 1}, "surprise"),
    ],
)
def test_bad_requests_are_422_problems(api: httpx.Client, payload: dict, where: str) -> None:
    response = api.post("/v1/query", json=payload)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and where in body["detail"]
    assert body["title"] == "Invalid input"  # one title for every 422, schema's or ours


def test_malformed_json_is_a_problem_not_a_500(api: httpx.Client) -> None:
    response = api.post(
        "/v1/query", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"].startswith("body: not valid JSON at character 1 (")
    assert response.json()["title"] == "Invalid input"
    # `curl -d` without a content type sends a form: the problem says what to send instead.
    form = api.post("/v1/query", content=b"question=hi", headers={"content-type": "text/plain"})
    assert form.status_code == 422
    detail = form.json()["detail"]
    assert "must be a JSON object, sent with Content-Type: application/json" in detail


def test_unknown_document_and_route(api: httpx.Client) -> None:
    missing = api.get("/v1/documents/does-not-exist")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert "does-not-exist" in missing.json()["detail"]
    assert api.get("/v1/nothing").status_code == 404
    wrong_method = api.get("/v1/query")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"] == PROBLEM


def test_health(api: httpx.Client) -> None:
    body = api.get("/health").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 5


def test_openapi_documents_problems_and_examples(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    query = spec["paths"]["/v1/query"]["post"]
    assert {"200", "422", "503"} <= set(query["responses"])
    assert PROBLEM in query["responses"]["422"]["content"]
    schema = spec["components"]["schemas"]["QueryRequest"]["properties"]["question"]
    assert schema["examples"] and schema["maxLength"] == 2000
    assert "404" in spec["paths"]["/v1/documents/{doc_id}"]["get"]["responses"]


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        {"question": "where is it", "doc_ids": ["\ud800"]},
        {"question": "where is it", "filters": {"outlet": "a\udfffb"}},
        {"question": "where\x00 is it"},
        {"question": "\ud83d where is it"},
    ],
)
def test_strings_that_are_not_text_are_a_422(api: httpx.Client, body: dict) -> None:
    # As a client sends them: JSON escapes ("\\ud800"), which httpx's own encoder refuses.
    response = api.post("/v1/query", content=json.dumps(body), headers=JSON)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_chat_content_that_is_not_text_is_a_422(api: httpx.Client) -> None:
    body = {"model": "citedqa", "messages": [{"role": "user", "content": "where \ud800 is it"}]}
    response = api.post("/v1/chat/completions", content=json.dumps(body), headers=JSON)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("question", ["   ", "\t\n ", "\u200b\u200d\ufeff", " \u3164 \u2800 "])
def test_a_question_of_only_blanks_is_a_422(api: httpx.Client, question: str) -> None:
    response = api.post("/v1/query", json={"question": question})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "visible character" in detail and "Value error" not in detail  # our words only
    chat = {"model": "citedqa", "messages": [{"role": "user", "content": question}]}
    assert api.post("/v1/chat/completions", json=chat).status_code == 422
