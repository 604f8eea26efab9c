"""Chunks read from the store, kept by id while the store's generation stays the same.

Every answer reads its kept chunks (and a hybrid search its second-hop seeds) from Chroma
with their texts, metadata and vectors. Popular passages come back question after question,
and each read of them costs Chroma's SQLite work and the Python that unpacks its result
(profiled at c=8: the largest part of retrieval after the embedding). A chunk's record only
changes with a write, and every write changes the store's generation, so the cache is
dropped whenever the generation moves: what it returns is what the store held at most
`GenerationClock.check_every` seconds ago, as the catalog's live versions are (this
process's own writes expire the clock at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
from cachetools import LRUCache

from citedqa.models import RetrievedChunk
from service.qa.batching import Found
from service.qa.generation import GenerationClock

# About 20 kB a chunk with its sentence vectors: 20 MB at most.
CACHED_CHUNKS = 1024


class ChunkCache:
    """`read_many(id_lists, read)`: `read(id_lists)` for the ids it does not hold."""

    def __init__(self, clock: GenerationClock, size: int = CACHED_CHUNKS) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._chunks: LRUCache[str, tuple[RetrievedChunk, np.ndarray]] = LRUCache(maxsize=size)
        self.hits = self.misses = 0

    def read_many(
        self, id_lists: list[list[str]], read: Callable[[list[list[str]]], list[Found]]
    ) -> list[Found]:
        """Chunks by id for each list (ids the store no longer has left out), the ones not
        held read with one `read` call."""
        generation = self._clock.current()
        with self._lock:
            if generation != self._generation:
                self._chunks.clear()
                self._generation = generation
            held = {c: got for ids in id_lists for c in ids if (got := self._chunks.get(c))}
        missing = [[c for c in ids if c not in held] for ids in id_lists]
        fresh = read(missing) if any(missing) else [{} for _ in id_lists]
        with self._lock:
            self.hits += sum(c in held for ids in id_lists for c in ids)
            self.misses += sum(map(len, missing))
            if generation == self._generation:
                for found in fresh:
                    for chunk_id, (chunk, vector) in found.items():
                        self._chunks[chunk_id] = _frozen(chunk, vector)
        return [
            {c: held[c] if c in held else new[c] for c in ids if c in held or c in new}
            for ids, new in zip(id_lists, fresh, strict=True)
        ]


def _frozen(chunk: RetrievedChunk, vector: np.ndarray) -> tuple[RetrievedChunk, np.ndarray]:
    """Shared by every request that reads it: its arrays made read-only, so no request
    can change another's."""
    vector.setflags(write=False)
    if chunk.sentence_vectors is not None:
        chunk.sentence_vectors.setflags(write=False)
    return chunk, vector
