"""Near-duplicate documents: the same story from two outlets, or a re-translation.

Two stages, each from what ingest already has: MinHash LSH (datasketch) over a document's
stemmed key terms finds candidates cheaply; a candidate is confirmed when enough sentences
of the shorter document have a close counterpart (cosine of their sentence vectors) in the
other. Re-translations share few exact shingles, so exact-text fingerprints alone miss them;
sentence alignment catches them while two different reports of one event stay apart.
"""

from __future__ import annotations

import base64
import contextlib
from typing import TYPE_CHECKING

import numpy as np

from citedqa.terms import key_terms

if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSH

# datasketch is imported where it is used, not here: it costs 33 MB resident, and the
# service's query path needs only `alignment`.

NUM_PERM = 64
SCHEME = "affine32"  # stored signatures are only comparable under the same scheme
LSH_THRESHOLD = 0.3  # generous: candidates only, confirmed by sentence alignment
SENTENCE_MATCH = 0.8  # cosine at which two sentences say the same thing
MIN_ALIGNED = 0.4  # share of the shorter document's sentences that must align


def signature(text: str) -> str:
    """MinHash of the document's key-term set, base64 (stored in the manifest)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    for term in set(key_terms(text)):
        minhash.update(term.encode("utf-8"))
    return base64.b64encode(minhash.hashvalues.astype(np.uint32).tobytes()).decode("ascii")


def _minhash(packed: str) -> MinHash:
    from datasketch import MinHash

    values = np.frombuffer(base64.b64decode(packed), dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


def alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the shorter side's sentences with a counterpart of cosine ≥ SENTENCE_MATCH."""
    if len(a) == 0 or len(b) == 0 or a.shape[1] != b.shape[1]:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return float(((a @ b.T).max(axis=1) >= SENTENCE_MATCH).mean())


class DuplicateIndex:
    """Candidate lookup over the signatures of the documents in a collection.

    The LSH index is built on first use, not at construction: importing datasketch took
    0.84 s of the ingest job's start-up, on the encoder's path, while its first use comes
    on the writer thread, beside the next document's embedding.
    """

    def __init__(self, signatures: dict[str, str]) -> None:
        self._signatures = {d: packed for d, packed in signatures.items() if packed}
        self._built: MinHashLSH | None = None

    @property
    def _lsh(self) -> MinHashLSH:
        if self._built is None:
            from datasketch import MinHashLSH

            lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
            for doc_id, packed in self._signatures.items():
                lsh.insert(doc_id, _minhash(packed))
            self._built, self._signatures = lsh, {}
        return self._built

    def candidates(self, doc_id: str, packed: str) -> list[str]:
        """Documents whose key terms overlap enough to be checked, without `doc_id`."""
        return sorted(c for c in self._lsh.query(_minhash(packed)) if c != doc_id)

    def add(self, doc_id: str, packed: str) -> None:
        """Index (or re-index) one document's signature."""
        self.discard(doc_id)
        self._lsh.insert(doc_id, _minhash(packed))

    def discard(self, doc_id: str) -> None:
        """Forget a document (no-op when unknown)."""
        with contextlib.suppress(ValueError):
            self._lsh.remove(doc_id)
