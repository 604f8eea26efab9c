"""`GET /v1/documents` and `GET /v1/documents/{doc_id}`."""

from __future__ import annotations

from fastapi import APIRouter

from service.components import StoreDep
from service.problems import responses
from service.schemas import DocumentDetail, DocumentList, DocumentSummary

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@router.get("", response_model=DocumentList, responses=responses(503))
def list_documents(store: StoreDep) -> DocumentList:
    """Every document in the collection, by doc_id."""
    entries = sorted(store.manifest().values(), key=lambda e: e.doc_id)
    return DocumentList(
        documents=[
            DocumentSummary(
                doc_id=e.doc_id, title=e.title, chunks=len(e.chunk_ids), content_hash=e.content_hash
            )
            for e in entries
        ]
    )


@router.get("/{doc_id:path}", response_model=DocumentDetail, responses=responses(404, 503))
def get_document(doc_id: str, store: StoreDep) -> DocumentDetail:
    """One document with its canonical text (what citation offsets index into)."""
    entry, text = store.document(doc_id)
    return DocumentDetail(
        doc_id=entry.doc_id,
        title=entry.title,
        chunks=len(entry.chunk_ids),
        content_hash=entry.content_hash,
        text=text,
    )
