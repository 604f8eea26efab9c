"""citedqa as a model for OpenAI clients: the official `openai` client against the real app."""

import httpx
import openai
import pytest

from service.qa.chat import condense


@pytest.fixture(scope="module")
def client(api: httpx.Client) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=f"{str(api.base_url).rstrip('/')}/v1", api_key="unused", max_retries=0
    )


def test_models_lists_citedqa(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list().data] == ["citedqa"]


def test_chat_completion_has_cited_answer_and_sources(
    client: openai.OpenAI, api: httpx.Client
) -> None:
    reply = client.chat.completions.create(
        model="citedqa", messages=[{"role": "user", "content": "Where did Putin and Kim meet?"}]
    )
    content = reply.choices[0].message.content
    assert "Vostochny" in content and "[1]" in content and "\nSources:\n[1] " in content
    citations = reply.model_extra["citations"]
    assert citations and reply.model_extra["refused"] is False
    doc = api.get(f"/v1/documents/{citations[0]['doc_id']}").json()
    assert doc["text"][citations[0]["start"] : citations[0]["end"]] == citations[0]["quote"]


def test_streaming_chat_completion(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="citedqa",
        messages=[{"role": "user", "content": "What did Putin say about agriculture?"}],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "[1]" in text and "Sources:" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"]


def test_multi_turn_follow_up_is_condensed(client: openai.OpenAI) -> None:
    messages = [
        {
            "role": "user",
            "content": "Which factories will Kim Jong Un visit in Komsomolsk-on-Amur?",
        },
        {
            "role": "assistant",
            "content": "He will visit factories where aircraft are produced. [1]",
        },
        {"role": "user", "content": "And what will he see in Vladivostok?"},
    ]
    reply = client.chat.completions.create(model="citedqa", messages=messages)
    content = reply.choices[0].message.content
    assert not reply.model_extra["refused"] and "Vladivostok" in content and "[1]" in content


def test_condense_keeps_self_contained_questions() -> None:
    turns = [("user", "Where did Putin and Kim meet?"), ("assistant", "At Vostochny [1]")]
    standalone = "Which sanctions did the UN Security Council impose on North Korea?"
    assert condense([*turns, ("user", standalone)]) == standalone
    follow_up = condense([*turns, ("user", "When was that?")])
    assert "Putin" in follow_up and "Kim" in follow_up


def test_bad_conversations_are_422(client: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(
            model="citedqa", messages=[{"role": "assistant", "content": "hi"}]
        )
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="citedqa", messages=[])
