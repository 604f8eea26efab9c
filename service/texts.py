"""Canonical document texts, cached: what citations are checked against."""

from __future__ import annotations

import threading
from collections import OrderedDict

from citedqa.errors import NotFoundError
from citedqa.store import Store


class DocumentTexts:
    """A bounded cache of (title, hash, text) per doc_id, read from the store's manifest.

    A chunk whose `doc_hash` is not the document's current hash belongs to a version being
    replaced or removed; `current()` tells the two apart so such chunks are never used.
    """

    def __init__(self, store: Store, max_chars: int = 50_000_000) -> None:
        self._store = store
        self._max_chars = max_chars
        self._cache: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, doc_id: str, expected_hash: str | None = None) -> tuple[str, str, str] | None:
        """(title, hash, text) of the current version, or None when `expected_hash` is stale."""
        with self._lock:
            hit = self._cache.get(doc_id)
            if hit is not None and (expected_hash is None or hit[1] == expected_hash):
                self._cache.move_to_end(doc_id)
                return hit
        try:
            entry, text = self._store.document(doc_id)
        except NotFoundError:
            return None
        fresh = (entry.title, entry.content_hash, text)
        self._put(doc_id, fresh)
        return fresh if expected_hash is None or fresh[1] == expected_hash else None

    def _put(self, doc_id: str, value: tuple[str, str, str]) -> None:
        with self._lock:
            old = self._cache.pop(doc_id, None)
            if old is not None:
                self._chars -= len(old[2])
            self._cache[doc_id] = value
            self._chars += len(value[2])
            while self._chars > self._max_chars and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._chars -= len(dropped[2])

    def forget(self, doc_id: str) -> None:
        """Drop a document from the cache (after this process changed it)."""
        with self._lock:
            old = self._cache.pop(doc_id, None)
            if old is not None:
                self._chars -= len(old[2])
