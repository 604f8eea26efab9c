"""Canonical document texts, cached: what citations are checked against."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from cachetools import LRUCache

from citedqa.models import content_hash
from citedqa.store import Store


class DocumentTexts:
    """A bounded cache of documents' canonical texts, each with its own sha256.

    A citation names the document version its chunk was cut from (the chunk's `doc_hash`);
    `get()` returns the text only when its hash is that version's, so a quote is only ever
    checked against the very text it claims to come from.
    """

    def __init__(self, store: Store, max_chars: int = 20_000_000) -> None:
        self._store = store
        self._scope = ""  # which collection's texts these are, in a cache shared by several
        # (scope, doc_id) → (hash, text), bounded by the texts' total length.
        self._cache: LRUCache[tuple[str, str], tuple[str, str]] = LRUCache(
            maxsize=max_chars, getsizeof=lambda value: len(value[1])
        )
        self._lock = threading.Lock()

    def for_store(self, store: Store) -> DocumentTexts:
        """The texts of another collection, in this one's cache: however many collections
        are loaded, their texts together stay within one `max_chars`."""
        other = DocumentTexts.__new__(DocumentTexts)
        other._store, other._scope = store, store.name
        other._cache, other._lock = self._cache, self._lock
        return other

    def get(self, doc_id: str, expected_hash: str) -> str | None:
        """The text of version `expected_hash` of `doc_id`, or None when the store no longer
        has that version. (Whether a version is still live is retrieval's concern.)"""
        with self._lock:
            hit = self._cache.get((self._scope, doc_id))
        if hit is None or hit[0] != expected_hash:
            text = self._store.document_text(doc_id)
            if text is None:
                self.forget([doc_id])
                return None
            hit = (content_hash(text), text)
            self._put(doc_id, hit)
        return hit[1] if hit[0] == expected_hash else None

    def _put(self, doc_id: str, value: tuple[str, str]) -> None:
        with self._lock:
            try:
                self._cache[(self._scope, doc_id)] = value
            except ValueError:  # longer than the whole cache: not kept (read when asked)
                self._cache.pop((self._scope, doc_id), None)

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop documents from the cache (after this process changed them)."""
        with self._lock:
            for doc_id in doc_ids:
                self._cache.pop((self._scope, doc_id), None)
