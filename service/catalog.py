"""Which version of each document is live, and which document it nearly duplicates.

Retrieval needs both facts for every hit. They are small, so they are kept in memory for
every document seen; reading a manifest record per hit cost more than the vector search
at 100k chunks (bench/report.md). Entries are fetched in one batch for the documents a
search touches and dropped when the store's generation changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from citedqa.store import Store
from service.generation import GenerationClock


@dataclass(frozen=True, slots=True)
class DocState:
    """The live version of a document and its near-duplicate group."""

    content_hash: str
    group: str  # the doc_id of the original it duplicates, else its own


class Catalog:
    """doc_id → DocState, cached; a document missing from the result is not in the store."""

    def __init__(self, store: Store, clock: GenerationClock) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._states: dict[str, DocState] = {}

    def states(self, seen: Mapping[str, Iterable[str]]) -> dict[str, DocState]:
        """States of the documents in `seen` (doc_id → content hashes of its hits).

        A document is re-read when its hits carry a hash other than the cached one: another
        version went live since it was cached.
        """
        generation = self._clock.current()
        with self._lock:
            if generation != self._generation:
                self._states, self._generation = {}, generation
            cached = dict(self._states)
        hashes = {doc_id: set(h) for doc_id, h in seen.items()}
        stale = [
            d
            for d, h in hashes.items()
            if d not in cached or len(h) > 1 or cached[d].content_hash not in h
        ]
        if stale:
            fresh = {
                d: DocState(e.content_hash, e.duplicate_of or d)
                for d, e in self._store.manifest(stale).items()
            }
            with self._lock:
                for d in stale:
                    self._states.pop(d, None)
                    cached.pop(d, None)
                self._states.update(fresh)
            cached.update(fresh)
        return {d: cached[d] for d in hashes if d in cached}

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop documents this process just changed."""
        with self._lock:
            for doc_id in doc_ids:
                self._states.pop(doc_id, None)
