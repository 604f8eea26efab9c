"""Request and response bodies of the HTTP API (never storage objects)."""

from service.api.schemas.common import HealthResponse, Problem
from service.api.schemas.documents import (
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    UploadResponse,
    UploadResult,
)
from service.api.schemas.questions import (
    ChunkOut,
    CitationOut,
    QueryRequest,
    QueryResponse,
    RetrieveResponse,
    StageTimings,
)

__all__ = [
    "ChunkOut",
    "CitationOut",
    "DeleteResponse",
    "DocumentDetail",
    "DocumentList",
    "DocumentSummary",
    "HealthResponse",
    "Problem",
    "QueryRequest",
    "QueryResponse",
    "RetrieveResponse",
    "StageTimings",
    "UploadResponse",
    "UploadResult",
]
