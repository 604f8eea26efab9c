"""Ingest throughput (chunks/s) against its ceiling: the bare encoder on the same chunks.

`measure_ingest` writes synthetic documents as files and runs the real ingest job over them,
timing its stages in place; `measure_encoder` embeds the very chunk texts ingest stored, in
a fresh process, timed the same way (from loading the model to the last vector).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import citedqa.embedder
import ingest.reading
from bench.corpus import CorpusGenerator
from bench.seedtext import load_seed_text
from bench.synthetic import as_document
from bench.timers import StageTimer, Target
from citedqa.chunking import Chunker
from citedqa.components import make_chunker, make_embedder
from citedqa.embedder import MiniLMEmbedder
from citedqa.indexer import Indexer
from citedqa.settings import Settings
from citedqa.store import Store, make_client

EMBED, POOL = "embed (encode_with_spans)", "  of which sentence-vector pooling"
INGEST_STAGES: dict[str, Target] = {
    "read + clean files (reader thread)": (ingest.reading, "load_document"),
    "chunk (sentence split + count)": (Chunker, "split"),
    EMBED: (MiniLMEmbedder, "encode_with_spans"),
    POOL: (citedqa.embedder, "_pool_spans"),
    "write chunks (Chroma)": (Store, "write_chunks"),
    "near-duplicate check": (Indexer, "_original_of"),
    "commit manifest (Chroma)": (Store, "commit_document"),
}


def write_corpus(corpus_dir: Path, settings: Settings, size: int, seed: int, seeds: Path) -> int:
    """Synthetic documents as .txt files, about `size` chunks in all; returns documents."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    embedder = make_embedder(settings)
    chunker = make_chunker(settings, embedder)
    chunks = documents = 0
    for doc in CorpusGenerator(load_seed_text(seeds), seed).documents():
        if chunks >= size:
            break
        (corpus_dir / f"{doc.doc_id}.txt").write_text(doc.text + "\n", encoding="utf-8")
        chunks += len(chunker.split(as_document(doc)))
        documents += 1
    return documents


def measure_ingest(
    data_dir: str, collection: str, size: int, seed: int, seeds_dir: str, corpus_dir: str
) -> dict[str, Any]:
    """Run `ingest_path` over a fresh synthetic corpus; its rate and where its time went."""
    from ingest.job import ingest_path

    settings = Settings(data_dir=Path(data_dir), collection=collection)
    corpus = Path(corpus_dir)
    if not corpus.is_dir() or not any(corpus.iterdir()):  # later rounds reuse the files
        write_corpus(corpus, settings, size, seed, Path(seeds_dir))
    timer = StageTimer()
    with timer.patched(INGEST_STAGES):
        summary = ingest_path(settings, corpus, show_progress=False)
    took = timer.take()
    stages = {name: took.get(name, 0.0) for name in INGEST_STAGES}  # in pipeline order
    encoder = stages.get(EMBED, 0.0) - stages.get(POOL, 0.0)
    return {
        "documents": sum(summary.documents.values()),
        "failed": len(summary.failures),
        "chunks": summary.chunks_written,
        "seconds": summary.seconds,
        "chunks_per_s": summary.chunks_written / summary.seconds if summary.seconds else 0.0,
        "stages": stages,
        # The encoder's own work inside this run over the run's time: the ingest/encoder
        # ratio measured without a second run (so without drift in the machine's load).
        "encoder_share": encoder / summary.seconds if summary.seconds else 0.0,
    }


def measure_encoder(data_dir: str, collection: str) -> dict[str, Any]:
    """Embed the stored chunk texts with a freshly loaded encoder and nothing else."""
    settings = Settings(data_dir=Path(data_dir), collection=collection)
    stored = make_client(settings).get_collection(collection).get(include=["documents"])
    texts = [t for t in stored["documents"] if t]
    started = time.perf_counter()
    embedder = make_embedder(settings)
    embedder.encode(texts)
    seconds = time.perf_counter() - started
    return {"chunks": len(texts), "seconds": seconds, "chunks_per_s": len(texts) / seconds}
