"""Collections as Chroma holds them: their names, what each holds, and dropping one.

A citedqa collection `<name>` is two Chroma collections: `<name>` (chunk vectors, tagged
with the embedder that made them) and `<name>-docs` (the manifest); see citedqa/store.py.
The BM25 index is never stored: the service builds it from the chunks when it loads a
collection, so dropping the two Chroma collections removes everything.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from chromadb import errors as chromadb_errors

from citedqa.errors import InvalidInputError, NotFoundError

# As CITEDQA_COLLECTION: what Chroma accepts for a name, with room for the `-docs` suffix.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,48}[A-Za-z0-9]$"
_NAME = re.compile(NAME_PATTERN)
_MANIFEST = "-docs"


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    """What `GET /v1/collections` says of one collection."""

    name: str
    documents: int
    chunks: int
    embedder: str  # the embedder its vectors were made with (only that one may open it)


def missing(name: str) -> NotFoundError:
    """The 404 for a collection that does not exist, or that the caller may not see (the
    same words for both: a key out of scope learns nothing of what exists)."""
    return NotFoundError(f"no collection named {name!r}")


def check_name(name: str) -> str:
    """`name` when it can name a new collection, else InvalidInputError saying why."""
    if not _NAME.match(name):
        raise InvalidInputError(
            f"invalid collection name {name!r}: 3 to 50 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    if name.endswith(_MANIFEST):
        raise InvalidInputError(f"invalid collection name {name!r}: '-docs' ends manifests")
    return name


def collection_names(client: Any) -> set[str]:
    """Names of the citedqa collections in a Chroma database (each chunk collection that
    has its manifest)."""
    names = {c.name for c in client.list_collections()}
    return {n for n in names if f"{n}{_MANIFEST}" in names}


def describe(client: Any, name: str) -> CollectionInfo:
    """Counts and embedder of one collection (without opening it as a Store, so one built
    by another embedder is listed too)."""
    chunks = client.get_collection(name, embedding_function=None)
    docs = client.get_collection(name + _MANIFEST, embedding_function=None)
    embedder = str((chunks.metadata or {}).get("embedder", ""))
    return CollectionInfo(name, int(docs.count()), int(chunks.count()), embedder)


def drop(client: Any, name: str) -> None:
    """Delete a collection's chunks and manifest (either may be gone already)."""
    for part in (name + _MANIFEST, name):  # the manifest first: no document without chunks
        with contextlib.suppress(chromadb_errors.NotFoundError, ValueError):
            client.delete_collection(part)
