"""`POST /v1/query` and `POST /v1/retrieve` (and the same under `/v1/collections/{name}`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sse_starlette import EventSourceResponse

from citedqa.settings import Settings
from service.api.problems import responses
from service.api.schemas import (
    ChunkOut,
    QueryRequest,
    QueryResponse,
    RetrieveResponse,
    StageTimings,
)
from service.api.streaming import answer_events, event_stream
from service.components import QADep, SettingsDep
from service.qa.retrieval import Filters
from service.qa.service import Ask
from service.telemetry.observability import count_answer, counted
from service.telemetry.timings import current as current_timings

# Included twice (service.app): at /v1 for the default collection, and under
# /v1/collections/{collection} for a named one; the dependencies pick the collection.
router = APIRouter(tags=["questions"])


def ask_of(body: QueryRequest, settings: Settings) -> Ask:
    """The service-level question for a request, defaults filled from settings."""
    filters = Filters(
        doc_ids=tuple(body.doc_ids or ()), metadata=tuple(sorted((body.filters or {}).items()))
    )
    return Ask(
        question=body.question,
        top_k=body.top_k or settings.top_k,
        mode=body.retrieval or settings.retrieval,
        filters=filters,
    )


_STREAM_DOC = {
    "description": "With `stream: true`: Server-Sent Events — `delta` {text}*, one `final` "
    "(a QueryResponse whose answer replaces the streamed text), then `done`; `error` on failure."
}


@router.post(
    "/query",
    response_model=QueryResponse,
    responses={**responses(422, 503, 504), 200: {"content": {"text/event-stream": _STREAM_DOC}}},
)
async def query(
    body: QueryRequest, request: Request, qa: QADep, settings: SettingsDep
) -> QueryResponse | EventSourceResponse | Response:
    """Answer a question from the documents, citing a verbatim quote for every sentence."""
    ask = ask_of(body, settings)
    if body.stream:
        return event_stream(answer_events(counted(request, qa.stream(ask))))
    answer = await qa.answer_batched(ask)
    count_answer(request, answer)
    response = QueryResponse.of(answer)
    if body.debug and (timings := current_timings()) is not None:
        response.timings = StageTimings.of(timings.milliseconds())
    return json_response(response)


@router.post("/retrieve", response_model=RetrieveResponse, responses=responses(422, 503))
async def retrieve(body: QueryRequest, qa: QADep, settings: SettingsDep) -> Response:
    """The ranked chunks the answerer would see for this question."""
    chunks = await qa.retrieve_batched(ask_of(body, settings))
    return json_response(RetrieveResponse(chunks=[ChunkOut.of(c) for c in chunks]))


def json_response(model: BaseModel) -> Response:
    """The model as JSON, serialised once. Returned as a model, FastAPI would dump it to a
    dict, validate that against `response_model` again and encode the dict with `json`, and
    for a sync route do it on a pool thread: three passes and a thread hop for a model this
    route has just built and validated. `response_model` still documents the body."""
    return Response(model.model_dump_json(), media_type="application/json")
