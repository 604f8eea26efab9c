"""The openai and ollama backends, end to end over real HTTP: client -> service -> fake LLM."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from citedqa.errors import ConfigError
from citedqa.settings import Settings, load_settings
from service.qa.citing import REFUSAL
from tests.fake_llm import QUESTION, SECRET, FakeLLM, Sent
from tests.helpers import check_citations, free_port, make_settings, served, wait_until

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _reset(fake: FakeLLM) -> None:
    fake.reset()


def llm_settings(seeded: Settings, backend: str, url: str, **extra: object) -> Settings:
    """Settings for the seeded store, answered by `backend` at `url`."""
    base = f"{url}/v1" if backend == "openai" else url
    key = {"llm_api_key": SECRET} if backend == "openai" else {}
    return make_settings(
        seeded.data_dir,
        collection=seeded.collection,
        llm=backend,
        llm_base_url=base,
        llm_model="fake-model",
        llm_timeout=2.0,
        **key,
        **extra,
    )


@pytest.fixture(scope="module", params=["openai", "ollama"])
def service(
    request: pytest.FixtureRequest, seeded_settings: Settings, fake: FakeLLM
) -> Iterator[httpx.Client]:
    with served(llm_settings(seeded_settings, request.param, fake.url)) as client:
        yield client


def met(sent: Sent) -> str:
    return f"Putin and Kim held talks at the Vostochny cosmodrome [{sent.cite('Vostochny')}]."


def test_cited_answer_verifies(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply = met
    body = service.post("/v1/query", json=QUESTION).json()
    assert body["refused"] is False
    assert body["answer"] == "Putin and Kim held talks at the Vostochny cosmodrome. [1]"
    # The quote is the document's own text (one sentence, or two neighbours that together
    # support the paraphrase), never the LLM's words.
    assert len(body["citations"]) == 1 and "Vostochny" in body["citations"][0]["quote"]
    assert body["citations"][0]["quote"] != "Putin and Kim held talks at the Vostochny cosmodrome."
    check_citations(service, body)
    assert body["model"] == "fake-model" and body["answerer"] in {"openai", "ollama"}
    # The request followed the protocol, with passages sent as delimited data.
    (sent,) = fake.sent
    assert sent.path == {"openai": "/v1/chat/completions", "ollama": "/api/chat"}[body["answerer"]]
    assert sent.body["model"] == "fake-model" and len(sent.passages) == 5
    assert [m["role"] for m in sent.body["messages"]] == ["system", "user"]
    if body["answerer"] == "openai":
        assert sent.headers["authorization"] == f"Bearer {SECRET}"


FOLLOW_UP = [
    {"role": "user", "content": "Which leader did Putin host in September?"},
    {"role": "assistant", "content": "Kim Jong Un. [1]"},
    {"role": "user", "content": "Where was that?"},
]


def test_chat_follow_up_is_condensed_by_the_llm(service: httpx.Client, fake: FakeLLM) -> None:
    """The LLM rewrites a follow-up into a standalone question, which is then answered."""

    def reply(sent: Sent) -> str:
        if "Standalone question:" in sent.prompt:
            return "Where did Putin and Kim Jong Un meet?\n(rewritten)"
        return met(sent)

    fake.reply = reply
    response = service.post(
        "/v1/chat/completions", json={"model": "citedqa", "messages": FOLLOW_UP}
    )
    assert response.status_code == 200, response.text
    condensing, answering = fake.sent
    assert "Follow-up: Where was that?" in condensing.prompt
    assert "assistant: Kim Jong Un. [1]" in condensing.prompt and not condensing.passages
    # The question retrieved and answered is the LLM's rewrite (its first line only).
    assert "<question>Where did Putin and Kim Jong Un meet?</question>" in answering.prompt
    assert "Vostochny" in response.json()["choices"][0]["message"]["content"]


def test_condensing_failure_is_a_503_problem(service: httpx.Client, fake: FakeLLM) -> None:
    fake.status = 500
    response = service.post(
        "/v1/chat/completions", json={"model": "citedqa", "messages": FOLLOW_UP}
    )
    assert response.status_code == 503 and "answered HTTP 500" in response.json()["detail"]
    assert len(fake.sent) == 1  # the condensing call failed: nothing else was asked


def test_condensing_falls_back_to_the_offline_rule(seeded_settings: Settings) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    settings = llm_settings(seeded_settings, "openai", down, llm_fallback_extractive=True)
    with served(settings) as client:
        response = client.post(
            "/v1/chat/completions", json={"model": "citedqa", "messages": FOLLOW_UP}
        )
        assert response.status_code == 200 and not response.json()["refused"]


def test_unsupported_claim_and_its_citation_are_dropped(
    service: httpx.Client, fake: FakeLLM
) -> None:
    def reply(sent: Sent) -> str:
        train = sent.cite("train") if "train" in sent.prompt else 2
        return f"{met(sent)} Kim then flew to Moscow on 30 June aboard a private jet [{train}]."

    fake.reply = reply
    body = service.post("/v1/query", json=QUESTION).json()
    assert body["answer"] == "Putin and Kim held talks at the Vostochny cosmodrome. [1]"
    assert len(body["citations"]) == 1
    check_citations(service, body)


@pytest.mark.parametrize(
    "reply",
    [
        "I think they probably met somewhere in Asia.",  # no markers
        "Bananas are an excellent source of potassium [1].",  # cites, but nothing supports it
        "[3] [4] [99]",
        "NO_ANSWER",
        "",
    ],
)
def test_garbage_becomes_refusal(service: httpx.Client, fake: FakeLLM, reply: str) -> None:
    fake.reply = lambda sent: reply
    body = service.post("/v1/query", json=QUESTION).json()
    assert body["refused"] is True and body["answer"] == REFUSAL and body["citations"] == []
    assert body["model"] == "fake-model"


def test_no_evidence_is_refused_without_asking_the_llm(
    service: httpx.Client, fake: FakeLLM
) -> None:
    body = service.post("/v1/query", json={"question": "What is the capital of Australia?"}).json()
    assert body["refused"] is True and fake.sent == []


def test_timeout_is_a_504_problem(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply, fake.delay = met, 4.0
    response = service.post("/v1/query", json=QUESTION)
    assert response.status_code == 504
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["title"] == "LLM timeout" and "did not answer within 2s" in problem["detail"]
    assert SECRET not in response.text


@pytest.mark.parametrize("backend", ["openai", "ollama"])
def test_unreachable_is_a_503_problem(seeded_settings: Settings, backend: str) -> None:
    settings = llm_settings(seeded_settings, backend, f"http://user:pw@127.0.0.1:{free_port()}")
    with served(settings) as client:
        response = client.post("/v1/query", json=QUESTION)
        assert response.status_code == 503 and response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["title"] == "LLM unavailable" and "cannot be reached" in problem["detail"]
        assert SECRET not in response.text and "pw" not in problem["detail"]


def test_fallback_answers_extractively(seeded_settings: Settings) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    settings = llm_settings(seeded_settings, "openai", down, llm_fallback_extractive=True)
    with served(settings) as client:
        body = client.post("/v1/query", json=QUESTION).json()
        assert body["refused"] is False and "Vostochny" in body["answer"]
        assert (body["answerer"], body["model"]) == ("extractive", "extractive-v2")
        check_citations(client, body)


def test_http_error_from_backend_is_a_503(service: httpx.Client, fake: FakeLLM) -> None:
    fake.status = 500
    response = service.post("/v1/query", json=QUESTION)
    assert response.status_code == 503 and "answered HTTP 500" in response.json()["detail"]


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"llm": "openai", "llm_model": "m"}, "CITEDQA_LLM_BASE_URL"),
        ({"llm": "openai", "llm_base_url": "http://x/v1"}, "CITEDQA_LLM_MODEL"),
        ({"llm": "ollama"}, "CITEDQA_LLM_MODEL"),
    ],
)
def test_settings_name_what_a_backend_lacks(env: dict[str, str], missing: str) -> None:
    with pytest.raises(ConfigError, match=missing):
        load_settings(_env_file=None, **env)


def test_the_api_key_is_hidden_in_settings() -> None:
    settings = load_settings(_env_file=None, llm_api_key=SECRET)
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_streamed_llm_answer_arrives_in_pieces_then_verified(
    service: httpx.Client, fake: FakeLLM
) -> None:
    fake.reply = met
    frames: list[tuple[str, str]] = []
    with service.stream("POST", "/v1/query", json={**QUESTION, "stream": True}) as response:
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                frames.append((event, line[6:]))
    names = [name for name, _ in frames]
    assert names.count("delta") > 3, "the LLM's text should arrive as it is generated"
    assert names[-2:] == ["final", "done"]
    final = json.loads(frames[-2][1])
    assert final["answer"] == "Putin and Kim held talks at the Vostochny cosmodrome. [1]"
    check_citations(service, final)
    assert fake.sent[-1].body.get("stream") is True


def test_generation_stops_when_the_client_disconnects(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply = lambda sent: (
        "Putin and Kim met at Vostochny. " * 60 + f"[{sent.cite('Vostochny')}]"
    )
    total = len(fake.reply(fake.sent[0]) if fake.sent else "") or 0
    with service.stream("POST", "/v1/query", json={**QUESTION, "stream": True}) as response:
        for line in response.iter_lines():
            if line.startswith("event: delta"):
                break  # the reader goes away after the first words
    wait_until(lambda: fake.streams_ended, timeout=30)
    all_pieces = len("Putin and Kim met at Vostochny. " * 60) // 7
    assert fake.streams_ended == [False], "the LLM stream ran to its end after the client left"
    assert fake.pieces_sent < all_pieces, (fake.pieces_sent, all_pieces, total)


def test_a_sentence_is_attributed_to_the_passage_that_supports_it(
    service: httpx.Client, fake: FakeLLM
) -> None:
    def wrong_number(sent: Sent) -> str:
        right = sent.cite("Vostochny")
        wrong = next(n for n in sent.passages if "Vostochny" not in sent.passages[n])
        assert right != wrong
        return f"Putin and Kim held talks at the Vostochny cosmodrome [{wrong}]."

    fake.reply = wrong_number
    body = service.post("/v1/query", json=QUESTION).json()
    assert body["refused"] is False and "Vostochny" in body["citations"][0]["quote"]
    check_citations(service, body)


def test_an_llm_answer_no_passage_supports_is_refused(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply = lambda sent: "Putin and Kim met in Paris at the Louvre museum [1]."
    body = service.post("/v1/query", json=QUESTION).json()
    assert (body["refused"], body["refusal_reason"], body["citations"]) == (
        True,
        "not_supported",
        [],
    )


def test_an_llm_answer_without_an_answer_of_the_asked_kind_is_refused(
    service: httpx.Client, fake: FakeLLM
) -> None:
    # Asked "where", told only that they met: supported, but no place in it.
    fake.reply = lambda sent: f"Putin and Kim met [{sent.cite('Vostochny')}]."
    body = service.post("/v1/query", json=QUESTION).json()
    assert (body["refused"], body["refusal_reason"]) == (True, "no_answer_of_type")


def test_an_llm_answer_that_swaps_who_did_what_is_refused(
    service: httpx.Client, fake: FakeLLM
) -> None:
    # The passage says Moon thanked Putin: asked whom Putin thanked, that is no answer.
    question = {"question": "Who did Putin thank for his role in North Korean issues?"}
    fake.reply = lambda sent: (
        f"Moon thanked Putin for his role in North Korean issues [{sent.cite('thanked Putin')}]."
    )
    body = service.post("/v1/query", json=question).json()
    assert (body["refused"], body["refusal_reason"]) == (True, "focus_not_found")
    fake.reply = lambda sent: f"Moon thanked Putin for his role [{sent.cite('thanked Putin')}]."
    body = service.post("/v1/query", json={"question": "Who thanked Putin for his role?"}).json()
    assert body["refused"] is False and "Moon" in body["answer"]


def test_no_answer_from_the_llm_says_why(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply = lambda sent: "NO_ANSWER"
    body = service.post("/v1/query", json=QUESTION).json()
    assert (body["refused"], body["refusal_reason"]) == (True, "no_answer_of_type")


def test_the_llm_is_not_asked_what_the_passages_never_mention(
    service: httpx.Client, fake: FakeLLM
) -> None:
    fake.reply = met
    body = service.post("/v1/query", json={"question": "What is Putin's favourite food?"}).json()
    assert (body["refused"], body["refusal_reason"]) == (True, "focus_not_found")
    assert fake.sent == []


def test_generation_is_bounded(service: httpx.Client, fake: FakeLLM) -> None:
    fake.reply = met
    service.post("/v1/query", json=QUESTION)
    (sent,) = fake.sent
    options = sent.body.get("options", sent.body)  # ollama sends its options apart
    limit = options.get("max_tokens", options.get("num_predict"))
    assert limit is not None and limit <= 128
    assert "<passage" in (options.get("stop") or [])
