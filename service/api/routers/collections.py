"""`/v1/collections`: create, list and delete collections; and the prefix under which the
question and document routes serve a named collection (service.app includes them there).

Who may see which collection is the middleware's (service.middleware.security): a key out
of a collection's scope gets the 404 of a collection that does not exist. The list shows
only the collections the key may read; creating one needs an admin key whose scope names it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool

from citedqa.errors import ForbiddenError
from service.api.problems import responses
from service.api.schemas.collections import (
    CollectionCreate,
    CollectionDeleted,
    CollectionList,
    CollectionOut,
)
from service.components import CollectionsDep, GrantDep

PREFIX = "/v1/collections/{collection}"
router = APIRouter(prefix="/v1/collections", tags=["collections"])


def _named(
    collection: Annotated[str, Path(max_length=50, examples=["team-legal"])],
) -> None:
    """Declares `{collection}` of the routes under PREFIX (the collection is picked from the
    path by service.components)."""


NAMED = [Depends(_named)]
# What every route under PREFIX may answer besides its own: no such collection (or out of
# the key's scope), or one built by another embedder.
NAMED_RESPONSES = responses(404, 409)


@router.post("", response_model=CollectionOut, status_code=201, responses=responses(409, 422))
def create_collection(
    body: CollectionCreate, collections: CollectionsDep, grant: GrantDep
) -> CollectionOut:
    """Create an empty collection for this service's embedder (an admin key's)."""
    if not grant.may_see(body.name):
        raise ForbiddenError(f"this API key may not create collection {body.name!r}")
    return CollectionOut.of(collections.create(body.name))


@router.get("", response_model=CollectionList, responses=responses(503))
def list_collections(collections: CollectionsDep, grant: GrantDep) -> CollectionList:
    """The collections this key may read, with their counts and embedder."""
    readable = [n for n in collections.names() if grant.may_see(n)]
    return CollectionList(collections=[CollectionOut.of(collections.info(n)) for n in readable])


@router.delete(
    "/{collection}", response_model=CollectionDeleted, responses=responses(404, 409, 503)
)
async def delete_collection(collection: str, collections: CollectionsDep) -> CollectionDeleted:
    """Delete a collection: its chunks, its manifest and its BM25 index (an admin key's)."""
    info = await run_in_threadpool(collections.info, collection)
    await run_in_threadpool(collections.delete, collection)
    return CollectionDeleted(
        name=collection, documents_removed=info.documents, chunks_removed=info.chunks
    )
