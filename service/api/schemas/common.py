"""Bodies shared by every route: problems and health."""

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthResponse(BaseModel):
    """Readiness of the store and the embedder."""

    status: str = Field(examples=["ok"])
    store: str = Field(examples=["ok"])
    embedder: str = Field(examples=["all-MiniLM-L6-v2-onnx-int8"])
    documents: int | None = Field(None, examples=[5])
    chunks: int | None = Field(None, examples=[37])


class Problem(BaseModel):
    """An RFC 9457 problem detail (`application/problem+json`)."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no document with doc_id 'nope'"])
    errors: list[dict[str, object]] | None = Field(
        None, description="Per-field validation errors (422 only)."
    )
