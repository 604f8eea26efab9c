"""Bodies of `/v1/collections`."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from citedqa.collections import NAME_PATTERN, CollectionInfo, check_name
from citedqa.errors import InvalidInputError

_EMBEDDER = "sentence-transformers/all-MiniLM-L6-v2"


class CollectionCreate(BaseModel):
    """A new, empty collection."""

    name: str = Field(json_schema_extra={"pattern": NAME_PATTERN}, examples=["team-legal"])

    @field_validator("name")
    @classmethod
    def _usable(cls, name: str) -> str:
        """The rule in words ("3 to 50 letters, digits, ..."), not the pattern's regex."""
        try:
            return check_name(name)
        except InvalidInputError as exc:
            raise ValueError(exc.message) from None


class CollectionOut(BaseModel):
    """One collection: what it holds and the embedder its vectors were made with."""

    name: str = Field(examples=["team-legal"])
    documents: int = Field(ge=0, examples=[12])
    chunks: int = Field(ge=0, examples=[340])
    embedder: str = Field(examples=[_EMBEDDER])

    @classmethod
    def of(cls, info: CollectionInfo) -> CollectionOut:
        return cls(
            name=info.name, documents=info.documents, chunks=info.chunks, embedder=info.embedder
        )


class CollectionList(BaseModel):
    """The collections the key may read."""

    collections: list[CollectionOut]


class CollectionDeleted(BaseModel):
    """What deleting a collection removed."""

    name: str = Field(examples=["team-legal"])
    documents_removed: int = Field(ge=0, examples=[12])
    chunks_removed: int = Field(ge=0, examples=[340])
