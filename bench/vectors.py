"""Plausible vectors without running the model: seed-sentence embeddings plus noise.

A synthetic sentence's vector is its seed sentence's real embedding pushed a random step
away (cosine about 0.85 to it), so synthetic sentences score against real questions about
as their seeds would; a chunk's vector is the normalised mean of its sentences' vectors.
Search cost does not depend on the values, but answer cost does (evidence must pass the
score thresholds for the answerer to do its work), hence not plain random unit vectors.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from bench.corpus import SyntheticDoc

NOISE = 0.6  # length of the random step relative to the unit vector: cosine ≈ 1/√(1+0.36)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1."""
    return vectors / np.clip(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12, None)  # type: ignore[no-any-return]


class SyntheticVectors:
    """Vectors for chunks of synthetic documents, from the seed sentences' embeddings."""

    def __init__(self, seed_vectors: np.ndarray, seed: int = 0) -> None:
        self._seed_vectors = seed_vectors.astype(np.float32)
        self._rng = np.random.default_rng(seed)

    def chunk(
        self, doc: SyntheticDoc, sentences: Sequence[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk vector, one vector per sentence span) for a chunk of `doc`."""
        starts = [s for s, _, _ in doc.sources]
        sources = [
            doc.sources[max(bisect.bisect_right(starts, start) - 1, 0)][2] for start, _ in sentences
        ]
        base = self._seed_vectors[sources] if sources else self._seed_vectors[:1]
        noise = self._rng.standard_normal(base.shape).astype(np.float32)
        per_sentence = unit(base + NOISE * noise / np.sqrt(base.shape[1]))
        return unit(per_sentence.mean(axis=0)), per_sentence
