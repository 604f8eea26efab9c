"""Which version of each document is live, and which document it nearly duplicates.

Retrieval needs both facts for every hit. They are small, so every document's are kept
in memory: reading a manifest record per hit cost more than the vector search at 100k
chunks (docs/bench/report.md). The whole table is loaded in the background at start-up and
again after the store's generation changes; meanwhile a hit of a document missing from
it, or of another version than it says, has its document read at once (one batch).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from citedqa.memory import release_free_memory
from citedqa.store import ManifestEntry, Store
from service.qa.generation import BackgroundJob, GenerationClock


@dataclass(frozen=True, slots=True)
class DocState:
    """The live version of a document and its near-duplicate group."""

    content_hash: str
    group: str  # the doc_id of the original it duplicates, else its own

    def is_live(self, version: str) -> bool:
        """Whether a chunk of `version` (a hash prefix, see chunk_version) is current."""
        return self.content_hash.startswith(version)


def _state(entry: ManifestEntry) -> DocState:
    return DocState(entry.content_hash, entry.duplicate_of or entry.doc_id)


class Catalog:
    """doc_id → DocState; a document missing from a result is not in the store."""

    def __init__(self, store: Store, clock: GenerationClock) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._states: dict[str, DocState] = {}
        self._reload = BackgroundJob(self._load_all, "catalog-load")

    def warm(self) -> None:
        """Load every document's state in a background thread."""
        self._reload.start()

    def states(self, seen: Mapping[str, Iterable[str]]) -> dict[str, DocState]:
        """States of the documents in `seen` (doc_id → versions of its hits, as hash
        prefixes). A document is re-read when its hits carry another version than the
        known one: that version may have gone live since.
        """
        if self._clock.current() != self._generation:
            self._reload.start()
        with self._lock:
            known = {d: self._states[d] for d in seen if d in self._states}
        versions = {d: set(v) for d, v in seen.items()}
        unsure = [
            d
            for d, v in versions.items()
            if d not in known or len(v) > 1 or not known[d].is_live(next(iter(v)))
        ]
        if unsure:
            fresh = {d: _state(e) for d, e in self._store.manifest(unsure).items()}
            with self._lock:
                for d in unsure:
                    self._states.pop(d, None)
                    known.pop(d, None)
                self._states.update(fresh)
            known.update(fresh)
        return known

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop documents this process just changed (read again on their next hit)."""
        with self._lock:
            for doc_id in doc_ids:
                self._states.pop(doc_id, None)

    def _load_all(self) -> None:
        generation = self._clock.current()
        loaded = {d: _state(e) for d, e in self._store.manifest().items()}
        with self._lock:
            self._states, self._generation = loaded, generation
        release_free_memory()  # the manifest records just read
