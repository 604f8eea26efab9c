"""The document collection as the API sees it: list, read, upload, delete."""

from __future__ import annotations

import base64
import binascii
import builtins
import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from citedqa.documents import doc_id_part
from citedqa.errors import InvalidInputError, TooLargeError
from citedqa.indexer import DocOutcome, Indexer
from citedqa.isolation import ParserPool
from citedqa.models import Document
from citedqa.settings import Settings
from citedqa.store import ManifestEntry, Store


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing and the cursor of the next (None at the end)."""

    entries: list[ManifestEntry]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received: its name and bytes."""

    filename: str
    content: bytes


def encode_cursor(doc_id: str) -> str:
    """An opaque cursor that resumes a listing after `doc_id`."""
    return base64.urlsafe_b64encode(doc_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The doc_id a cursor resumes after; a clear error for a forged or broken one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInputError(f"invalid cursor {cursor!r}: pass next_cursor as given") from None


class DocumentLibrary:
    """Reads go to the store; writes go through the indexer, one at a time."""

    def __init__(
        self,
        store: Store,
        make_indexer: Callable[[], Indexer],
        settings: Settings,
        changed: Callable[[list[str]], None],
        parser: ParserPool,
    ) -> None:
        self._store = store
        self._parser = parser
        self._make_indexer = make_indexer
        self._indexer: Indexer | None = None
        self._settings = settings
        self._changed = changed
        self._write_lock = threading.Lock()

    def list(self, limit: int, cursor: str | None, filters: dict[str, str]) -> Page:
        """Documents by doc_id, `limit` at a time, keeping those whose metadata match."""
        after = decode_cursor(cursor) if cursor else None
        entries = sorted(self._store.manifest().values(), key=lambda e: e.doc_id)
        matching = [
            e
            for e in entries
            if (after is None or e.doc_id > after)
            and all(_field(e, k) == v for k, v in filters.items())
        ]
        page = matching[:limit]
        more = len(matching) > limit
        return Page(page, encode_cursor(page[-1].doc_id) if more and page else None)

    def get(self, doc_id: str) -> tuple[ManifestEntry, str]:
        """A document's manifest entry and canonical text."""
        return self._store.document(doc_id)

    def upload(self, files: builtins.list[Upload]) -> builtins.list[DocOutcome]:
        """Validate every file first (all or nothing), then index them."""
        if not files:
            raise InvalidInputError("no files in the upload (send multipart field 'files')")
        if len(files) > self._settings.max_upload_files:
            raise InvalidInputError(
                f"{len(files)} files in one upload; the limit is {self._settings.max_upload_files}"
            )
        docs = [self._parse(f) for f in files]
        sources: dict[str, list[str]] = {}
        for doc in docs:
            sources.setdefault(doc.doc_id, []).append(doc.metadata.get("source", doc.doc_id))
        for doc_id, names in sources.items():
            if len(names) > 1:
                raise InvalidInputError(
                    f"{' and '.join(names)} map to the same doc_id {doc_id!r}: rename one"
                )
        with self._write_lock:
            try:
                outcomes = self._writer().index_all(docs)  # all or nothing
            finally:
                self._changed(list(sources))  # a failed batch was visible for a moment, too
        unread = {doc.doc_id: doc.unread_pages for doc in docs}
        return [dataclasses.replace(o, unread_pages=unread[o.doc_id]) for o in outcomes]

    def delete(self, doc_id: str) -> int:
        """Remove a document and its chunks; NotFoundError when unknown."""
        self._store.document(doc_id)  # raises NotFoundError
        with self._write_lock:
            removed = self._writer().remove(doc_id)
        self._changed([doc_id])
        return removed

    def _parse(self, upload: Upload) -> Document:
        name = PurePosixPath(upload.filename.replace("\\", "/")).name
        limit = self._settings.max_file_bytes
        try:
            if len(upload.content) > limit:
                raise TooLargeError(f"{len(upload.content):,} bytes, over the {limit:,}-byte limit")
            doc = self._parser.parse(
                doc_id_part(PurePosixPath(name).stem), PurePosixPath(name).suffix, upload.content
            )
        except InvalidInputError as exc:
            raise type(exc)(f"{name or '(unnamed file)'}: {exc.message}") from None
        return dataclasses.replace(doc, metadata={**doc.metadata, "source": name})

    def _writer(self) -> Indexer:
        """The indexer, made on the first write; the caller holds the write lock."""
        if self._indexer is None:
            self._indexer = self._make_indexer()
        return self._indexer


def _field(entry: ManifestEntry, key: str) -> str | None:
    if key == "duplicate_of":
        return entry.duplicate_of or ""
    if key == "title":
        return entry.title
    return entry.metadata.get(key)
