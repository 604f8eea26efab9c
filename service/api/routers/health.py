"""`GET /health`: 200 when the store and embedder work, 503 otherwise."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from citedqa.errors import CitedQAError
from service.api.schemas import HealthResponse
from service.components import ComponentsDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(components: ComponentsDep) -> HealthResponse | JSONResponse:
    """Checks the store answers and the embedder embeds."""
    embedder = components.embedder
    try:
        embedder.encode(["ok"])
        embedder_state = embedder.model_name
    except Exception as exc:  # any failure of the model means not ready
        embedder_state = f"down: {exc}"
    chunks: int | None
    documents: int | None
    try:
        chunks = components.store.count_chunks()
        documents = components.store.count_documents()
        store_state = "ok"
    except CitedQAError as exc:
        chunks = documents = None
        store_state = f"down: {exc.message}"
    ok = store_state == "ok" and not embedder_state.startswith("down")
    body = HealthResponse(
        status="ok" if ok else "unavailable",
        store=store_state,
        embedder=embedder_state,
        documents=documents,
        chunks=chunks,
    )
    return body if ok else JSONResponse(body.model_dump(), status_code=503)
