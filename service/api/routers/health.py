"""`GET /health`: 200 when the store and embedder work, 503 otherwise.

Public and cheap: the state comes from `HealthCheck` (measured at most every few seconds),
and the document and chunk counts (of the default collection) are shown only to a caller
whose key may read that collection when the service requires keys.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.api.schemas import HealthResponse
from service.components import ComponentsDep
from service.middleware.security import presented_key

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(components: ComponentsDep, request: Request) -> HealthResponse | JSONResponse:
    """Checks the store answers and the embedder embeds."""
    ready = components.health.readiness()
    keyring = components.gate.keyring
    grant = keyring.identify(presented_key(request.headers))
    # The counts are the default collection's: shown to a key that may read it.
    reads = grant is not None and grant.may_see(components.settings.collection)
    shown = not keyring.keyed or reads
    body = HealthResponse(
        status="ok" if ready.ok else "unavailable",
        store=ready.store,
        embedder=ready.embedder,
        documents=ready.documents if shown else None,
        chunks=ready.chunks if shown else None,
    )
    return body if ready.ok else JSONResponse(body.model_dump(), status_code=503)
