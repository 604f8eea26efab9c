"""citedqa stores of any size without embedding: synthetic chunks written through Store.

Embedding 100k chunks takes hours on this CPU, and search and answer costs do not depend on
how the vectors were made, so large collections get plausible synthetic vectors (see
bench.vectors), written with `Store.write_chunks` and `Store.commit_document` exactly as the
indexer writes real ones (chunk texts, sentence spans and vectors, manifest).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.seedtext import load_seed_text
from bench.synthetic import synthetic_batches
from citedqa.components import make_chunker, make_embedder, open_store
from citedqa.settings import Settings


class BatchedCollection:
    """A Chroma collection whose upserts are buffered and sent `size` records at a time.

    Chroma's cost per call is high (tens of ms) next to its cost per record, and the Store
    writes one document per call: batching keeps the records exactly as the Store makes
    them while a 100k-chunk build fits in minutes. `modify` (the Store's generation bump)
    is deferred to the last flush.
    """

    def __init__(self, collection: Any, size: int = 2_000) -> None:
        self._collection = collection
        self._size = size
        self._rows: dict[str, list[Any]] = {
            "ids": [],
            "embeddings": [],
            "documents": [],
            "metadatas": [],
        }
        self._modify: dict[str, Any] | None = None

    def upsert(self, **rows: Any) -> None:
        for key, values in self._rows.items():
            values.extend(list(rows[key]))
        if len(self._rows["ids"]) >= self._size:
            self.flush()

    @property
    def buffered(self) -> dict[str, list[Any]]:
        """The records not sent yet."""
        return self._rows

    def modify(self, **kwargs: Any) -> None:
        self._modify = kwargs

    def flush(self) -> None:
        """Send what is buffered (and the last `modify`)."""
        if self._rows["ids"]:
            self._collection.upsert(**self._rows)
            self._rows = {k: [] for k in self._rows}
        if self._modify is not None:
            self._collection.modify(**self._modify)
            self._modify = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)


def write_synthetic(
    data_dir: str, collection: str, size: int, seed: int, seeds_dir: str
) -> dict[str, Any]:
    """Fill a fresh citedqa collection with `size` synthetic chunks; returns counts and times."""
    started = time.perf_counter()
    settings = Settings(data_dir=Path(data_dir), collection=collection)
    embedder = make_embedder(settings)
    chunker = make_chunker(settings, embedder)
    store = open_store(settings, embedder)
    batched = store.wrap_collections(BatchedCollection)
    documents = chunks = 0
    write_seconds = 0.0
    batches = synthetic_batches(load_seed_text(Path(seeds_dir)), embedder, chunker, size, seed)
    for batch in batches:
        t = time.perf_counter()
        store.write_chunks(batch.doc, batch.chunks, batch.vectors, batch.sentence_vectors)
        ids = [c.chunk_id for c in batch.chunks]
        store.commit_document(batch.doc, ids, chunker.config_id)
        write_seconds += time.perf_counter() - t
        documents += 1
        chunks += len(batch.chunks)
    t = time.perf_counter()
    for buffered in batched:
        buffered.flush()
    write_seconds += time.perf_counter() - t
    return {
        "chunks": chunks,
        "stored_chunks": store.count_chunks(),
        "documents": documents,
        "seconds": time.perf_counter() - started,
        "write_seconds": write_seconds,
    }


# Metadata that records when a record was written: its key belongs to the format, its value
# to the run (left in, every run had its own fingerprint and the cache never hit).
_CLOCK_FIELDS = frozenset({"written_at"})


def _shape(value: Any) -> Any:
    """What a stored value looks like: exact for plain values, shape for vectors."""
    if isinstance(value, np.ndarray):
        return ["array", list(value.shape)]
    if isinstance(value, dict):
        return {k: "<clock>" if k in _CLOCK_FIELDS else _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, str) and len(value) > 200:  # packed sentence vectors
        return ["str", len(value)]
    if isinstance(value, list | tuple):
        return [_shape(v) for v in value]
    return value


def fingerprint(seeds_dir: str, seed: int) -> dict[str, Any]:
    """A digest of the records the Store writes for the first synthetic document.

    It changes when the stored format, the chunking or the generated text change (then
    cached stores must be rebuilt), and not when unrelated code of the Store changes.
    """
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), collection="fingerprint")
        embedder = make_embedder(settings)
        chunker = make_chunker(settings, embedder)
        store = open_store(settings, embedder)
        captured = store.wrap_collections(lambda c: BatchedCollection(c, 10**9))
        seeds = load_seed_text(Path(seeds_dir))
        batch = next(iter(synthetic_batches(seeds, embedder, chunker, 40, seed)))
        store.write_chunks(batch.doc, batch.chunks, batch.vectors, batch.sentence_vectors)
        store.commit_document(batch.doc, [c.chunk_id for c in batch.chunks], chunker.config_id)
        records = [_shape(c.buffered) for c in captured]
    text = json.dumps([records, store.embedder_id, chunker.config_id], sort_keys=True)
    return {"fingerprint": hashlib.sha256(text.encode()).hexdigest()[:16]}
