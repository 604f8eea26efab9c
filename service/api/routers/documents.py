"""`/v1/documents` (and `/v1/collections/{name}/documents`): list (paginated, filtered),
read, upload, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from service.api.problems import responses
from service.api.schemas import (
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    UploadResponse,
    UploadResult,
)
from service.components import LibraryDep
from service.library import Upload

# Included twice (service.app): at /v1 for the default collection, and under
# /v1/collections/{collection} for a named one; the dependencies pick the collection.
router = APIRouter(prefix="/documents", tags=["documents"])


@router.get("", response_model=DocumentList, responses=responses(422, 503))
def list_documents(
    library: LibraryDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Documents per page.")] = 100,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    author: Annotated[str | None, Query(max_length=200)] = None,
    date: Annotated[str | None, Query(max_length=200)] = None,
    duplicate_of: Annotated[
        str | None, Query(max_length=200, description="Empty string: only originals.")
    ] = None,
) -> DocumentList:
    """Documents by doc_id, a page at a time, optionally filtered by metadata."""
    wanted = {"outlet": outlet, "author": author, "date": date, "duplicate_of": duplicate_of}
    page = library.list(limit, cursor, {k: v for k, v in wanted.items() if v is not None})
    return DocumentList(
        documents=[DocumentSummary.of(e) for e in page.entries], next_cursor=page.next_cursor
    )


@router.post(
    "",
    response_model=UploadResponse,
    status_code=201,
    responses={
        **responses(413, 415, 422, 503),
        200: {"description": "Every file was already stored as it is."},
    },
)
async def upload_documents(
    library: LibraryDep,
    files: Annotated[list[UploadFile], File(description=".txt, .md, .html, .htm or .pdf files")],
    response: Response,
) -> UploadResponse:
    """Ingest uploaded files (all or nothing); they are searchable when this returns.

    201 when a document was added or changed; 200 when every file was already there as it
    is (nothing was created, so a client retrying an upload can tell)."""
    uploads = [Upload(f.filename or "", await f.read()) for f in files]
    outcomes = await run_in_threadpool(library.upload, uploads)
    if all(o.status == "unchanged" for o in outcomes):
        response.status_code = 200
    return UploadResponse(documents=[UploadResult.of(o) for o in outcomes])


@router.get("/{doc_id:path}", response_model=DocumentDetail, responses=responses(404, 503))
def get_document(doc_id: str, library: LibraryDep) -> DocumentDetail:
    """One document with its canonical text (what citation offsets index into)."""
    return DocumentDetail.with_text(*library.get(doc_id))


@router.delete("/{doc_id:path}", response_model=DeleteResponse, responses=responses(404, 503))
def delete_document(doc_id: str, library: LibraryDep) -> DeleteResponse:
    """Remove a document and its chunks; answers stop citing it at once."""
    return DeleteResponse(doc_id=doc_id, chunks_removed=library.delete(doc_id))
