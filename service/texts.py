"""Canonical document texts and manifest entries, cached: what citations are checked against."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from citedqa.errors import NotFoundError
from citedqa.store import ManifestEntry, Store


class DocumentTexts:
    """A bounded cache of each document's current manifest entry and canonical text.

    A chunk whose `doc_hash` is not the document's current hash belongs to a version being
    replaced or removed; `get()` with the chunk's hash tells the two apart.
    """

    def __init__(self, store: Store, max_chars: int = 20_000_000) -> None:
        self._store = store
        self._max_chars = max_chars
        self._cache: OrderedDict[str, tuple[ManifestEntry, str]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def record(self, doc_id: str, refresh: bool = False) -> tuple[ManifestEntry, str] | None:
        """(manifest entry, text) of the current version, or None for an unknown document."""
        if not refresh:
            with self._lock:
                hit = self._cache.get(doc_id)
                if hit is not None:
                    self._cache.move_to_end(doc_id)
                    return hit
        try:
            fresh = self._store.document(doc_id)
        except NotFoundError:
            self.forget([doc_id])
            return None
        self._put(doc_id, fresh)
        return fresh

    def get(self, doc_id: str, expected_hash: str | None = None) -> tuple[str, str, str] | None:
        """(title, hash, text) of the current version, or None when `expected_hash` is stale."""
        rec = self.record(doc_id)
        if rec is not None and expected_hash is not None and rec[0].content_hash != expected_hash:
            rec = self.record(doc_id, refresh=True)
        if rec is None or (expected_hash is not None and rec[0].content_hash != expected_hash):
            return None
        return rec[0].title, rec[0].content_hash, rec[1]

    def _put(self, doc_id: str, value: tuple[ManifestEntry, str]) -> None:
        with self._lock:
            old = self._cache.pop(doc_id, None)
            if old is not None:
                self._chars -= len(old[1])
            self._cache[doc_id] = value
            self._chars += len(value[1])
            while self._chars > self._max_chars and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._chars -= len(dropped[1])

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop documents from the cache (after this process changed them)."""
        with self._lock:
            for doc_id in doc_ids:
                old = self._cache.pop(doc_id, None)
                if old is not None:
                    self._chars -= len(old[1])
