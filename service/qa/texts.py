"""Canonical document texts, cached: what citations are checked against."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

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
        self._max_chars = max_chars
        self._cache: OrderedDict[str, tuple[str, str]] = OrderedDict()  # doc_id → (hash, text)
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, doc_id: str, expected_hash: str) -> str | None:
        """The text of version `expected_hash` of `doc_id`, or None when the store no longer
        has that version. (Whether a version is still live is retrieval's concern.)"""
        with self._lock:
            hit = self._cache.get(doc_id)
            if hit is not None:
                self._cache.move_to_end(doc_id)
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
