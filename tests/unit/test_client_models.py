"""The client's reply models mirror the service's schemas, field for field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from citedqa import client_models
from service.api import schemas

MIRRORED = [
    "CitationOut",
    "ChunkOut",
    "DeleteResponse",
    "DocumentDetail",
    "DocumentList",
    "DocumentSummary",
    "HealthResponse",
    "Problem",
    "QueryResponse",
    "RetrieveResponse",
    "StageTimings",
    "UploadResponse",
    "UploadResult",
]


@pytest.mark.parametrize("name", MIRRORED)
def test_client_model_has_the_service_schemas_fields(name: str) -> None:
    service: type[BaseModel] = getattr(schemas, name)
    client: type[BaseModel] = getattr(client_models, name)
    assert list(client.model_fields) == list(service.model_fields)
    # The client may be laxer (a proxy's problem without detail), never stricter.
    required = {f for f, info in service.model_fields.items() if info.is_required()}
    assert {f for f, info in client.model_fields.items() if info.is_required()} <= required


def test_every_response_schema_is_mirrored() -> None:
    replies = {n for n in schemas.__all__ if n != "QueryRequest"}
    assert replies == set(MIRRORED)
