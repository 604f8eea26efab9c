"""Many collections in one service: each one's read-side state is built when it is first
used, at most `max_loaded` are held (least recently used out), and each follows its own
store's generation token, so every worker drops state another worker made stale.

What a collection costs here: nothing at rest (it lives in Chroma only; listing reads its
two counts). Loaded, its BM25 index and the live-version catalog, which grow with its chunks
and documents (README, "Collections and keys", gives the measured figures); the vector
search, the chunk reader and the text cache are shared by every collection, so loading one
starts no thread. The default collection (`CITEDQA_COLLECTION`) is always loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import LRUCache

from citedqa.collections import (
    CollectionInfo,
    check_name,
    collection_names,
    describe,
    drop,
    missing,
)
from citedqa.errors import ConflictError, NotFoundError
from citedqa.store import Store
from service.library import DocumentLibrary
from service.qa.catalog import Catalog
from service.qa.generation import GenerationClock
from service.qa.lexical import LexicalIndex
from service.qa.service import QAService
from service.qa.texts import DocumentTexts


@dataclass(frozen=True, slots=True)
class Collection:
    """One collection's store and everything the service derives from it."""

    store: Store
    clock: GenerationClock
    texts: DocumentTexts
    catalog: Catalog
    lexical: LexicalIndex
    qa: QAService
    library: DocumentLibrary

    @property
    def name(self) -> str:
        """The collection's name."""
        return self.store.name

    def changed(self, doc_ids: list[str]) -> None:
        """After this process's own writes: every read-side cache catches up at once."""
        self.clock.expire()
        self.texts.forget(doc_ids)
        self.catalog.forget(doc_ids)
        self.lexical.refresh()


class Collections:
    """The collections of one Chroma database, by name."""

    def __init__(
        self,
        default: Collection,
        load: Callable[[Store], Collection],
        max_loaded: int,
    ) -> None:
        self.default = default
        self._client = default.store.client
        self._embedder_id = default.store.embedder_id
        self._load = load
        self._lock = threading.Lock()
        self._loaded: LRUCache[str, Collection] = LRUCache(maxsize=max_loaded)

    def get(self, name: str | None) -> Collection:
        """The collection `name` (None: the default), loaded if it was not; NotFoundError
        when there is none (or another process dropped it)."""
        if name is None or name == self.default.name:
            return self.default
        with self._lock:
            found = self._loaded.get(name)
        if found is None:
            found = self._load(Store(self._client, name, self._embedder_id, create=False))
            with self._lock:
                found = self._loaded.setdefault(name, found)
        try:
            generation = found.clock.current()
        except NotFoundError:  # dropped by another worker
            self._forget(name)
            raise missing(name) from None
        if found.store.is_replaced(generation):  # dropped and made again elsewhere
            self._forget(name)
            return self.get(name)
        return found

    def loaded(self) -> list[str]:
        """Names of the collections whose state this process holds now (the default too)."""
        with self._lock:
            return [self.default.name, *self._loaded.keys()]

    def names(self) -> list[str]:
        """Every collection's name, sorted."""
        return sorted(collection_names(self._client) | {self.default.name})

    def info(self, name: str) -> CollectionInfo:
        """Counts and embedder of one collection."""
        if name not in self.names():
            raise missing(name)
        return describe(self._client, name)

    def create(self, name: str) -> CollectionInfo:
        """Make an empty collection for this service's embedder; ConflictError if it exists."""
        check_name(name)
        if name in self.names():
            raise ConflictError(f"a collection named {name!r} exists already")
        Store(self._client, name, self._embedder_id)
        return describe(self._client, name)

    def delete(self, name: str) -> None:
        """Drop a collection: its chunks, its manifest, and this process's state of it."""
        if name == self.default.name:
            raise ConflictError(f"{name!r} is the default collection (CITEDQA_COLLECTION)")
        if name not in self.names():
            raise missing(name)
        self._forget(name)
        drop(self._client, name)

    def _forget(self, name: str) -> None:
        with self._lock:
            self._loaded.pop(name, None)
