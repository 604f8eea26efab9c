"""Unit vectors of short texts, the recent ones cached: for the support judge (claims and
quotes) and the word matcher (single words), which both embed the same texts again and again."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from cachetools import LRUCache

from citedqa.embedder import Embedder


class CachedVectors:
    """`of(texts)`: the embedder's vectors, from an LRU cache when seen recently."""

    def __init__(self, embedder: Embedder, cache_size: int = 4096) -> None:
        self._embedder = embedder
        self._cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=cache_size)
        self._lock = threading.Lock()

    def of(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, d) array of unit vectors, one a text (an empty (0, 0) array for none)."""
        if not texts:
            return np.empty((0, 0), dtype=np.float32)
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, self._embedder.encode(missing), strict=True))
        with self._lock:
            for t in dict.fromkeys(texts):
                self._cache[t] = known[t]
        return np.stack([known[t] for t in texts])
