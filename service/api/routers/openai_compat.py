"""OpenAI-compatible `/v1/chat/completions` and `/v1/models`: citedqa as a model.

Existing OpenAI clients and chat UIs get the verified answer as the assistant message,
its sources listed under it, and the structured citations in an extra `citations` field.
Streaming sends only verified text (the answer is checked before any of it is sent).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse

from citedqa.collections import missing
from citedqa.errors import InvalidInputError
from citedqa.models import Answer
from service.api.problems import responses
from service.api.schemas.common import is_visible
from service.api.schemas.openai import (
    MODEL_ID,
    ChatChoice,
    ChatRequest,
    ChatResponse,
    ModelCard,
    ModelList,
)
from service.api.schemas.questions import CitationOut
from service.api.streaming import Event, event_stream
from service.collections import Collection, Collections
from service.components import CollectionsDep, CondenserDep, GrantDep, SettingsDep
from service.middleware.keys import Grant
from service.qa.chat import message_text
from service.qa.service import Ask

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
_STARTED = int(time.time())


@router.get("/models", response_model=ModelList, responses=responses(503))
def list_models(collections: CollectionsDep, grant: GrantDep) -> ModelList:
    """The collections this key may read, each a model an OpenAI client can pick."""
    readable = [n for n in collections.names() if grant.may_see(n)]
    return ModelList(data=[ModelCard(id=n, created=_STARTED) for n in readable])


def _collection_of(model: str, collections: Collections, grant: Grant) -> Collection:
    """The collection a chat's `model` names (`citedqa`: the default one); one the key may
    not read is as one that does not exist."""
    name = collections.default.name if model == MODEL_ID else model
    if not grant.may_see(name):
        raise missing(name)
    return collections.get(name)


@router.post(
    "/chat/completions",
    response_model=ChatResponse,
    responses={**responses(404, 422, 503, 504), 200: {"content": {"text/event-stream": {}}}},
)
async def chat_completions(
    body: ChatRequest,
    collections: CollectionsDep,
    grant: GrantDep,
    condenser: CondenserDep,
    settings: SettingsDep,
) -> ChatResponse | EventSourceResponse:
    """Answer the conversation's last user question from the documents of the collection
    `model` names (`citedqa`: the default collection), with citations."""
    qa = (await run_in_threadpool(_collection_of, body.model, collections, grant)).qa
    turns = [(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not is_visible(turns[-1][1]):
        raise InvalidInputError("the last message must be a non-empty user message")
    question = await run_in_threadpool(condenser.condense, turns)
    ask = Ask(question=question[:2000], top_k=settings.top_k, mode=settings.retrieval)
    answer = await run_in_threadpool(qa.answer, ask)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    if body.stream:
        return event_stream(_chunks(completion_id, body.model, answer))
    return ChatResponse(
        id=completion_id,
        created=int(time.time()),
        model=body.model,
        choices=[ChatChoice(message={"role": "assistant", "content": message_text(answer)})],
        citations=[CitationOut.of(c) for c in answer.citations],
        refused=answer.refused,
    )


async def _chunks(completion_id: str, model: str, answer: Answer) -> AsyncIterator[Event]:
    """`chat.completion.chunk` frames: role, content pieces, then stop with the citations.
    Each names the `model` (collection) asked, as the unstreamed reply does."""
    created = int(time.time())

    def frame(delta: dict[str, str], finish: str | None = None, **extra: object) -> Event:
        chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return {"data": json.dumps(chunk, ensure_ascii=False)}

    yield frame({"role": "assistant", "content": ""})
    text = message_text(answer)
    for start in range(0, len(text), 80):
        yield frame({"content": text[start : start + 80]})
    citations = [CitationOut.of(c).model_dump() for c in answer.citations]
    yield frame({}, "stop", citations=citations, refused=answer.refused)
    yield {"data": "[DONE]"}
