"""`POST /v1/query` and `POST /v1/retrieve`."""

from __future__ import annotations

from fastapi import APIRouter

from service.components import QADep, SettingsDep
from service.problems import responses
from service.schemas import ChunkOut, QueryRequest, QueryResponse, RetrieveResponse

router = APIRouter(prefix="/v1", tags=["questions"])


@router.post("/query", response_model=QueryResponse, responses=responses(422, 503))
def query(body: QueryRequest, qa: QADep, settings: SettingsDep) -> QueryResponse:
    """Answer a question from the documents, citing a verbatim quote for every sentence."""
    return QueryResponse.of(qa.answer(body.question, body.top_k or settings.top_k))


@router.post("/retrieve", response_model=RetrieveResponse, responses=responses(422, 503))
def retrieve(body: QueryRequest, qa: QADep, settings: SettingsDep) -> RetrieveResponse:
    """The ranked chunks the answerer would see for this question."""
    chunks = qa.retrieve(body.question, body.top_k or settings.top_k)
    return RetrieveResponse(chunks=[ChunkOut.of(c) for c in chunks])
