"""The bare pipeline a user would write: llama-index VectorStoreIndex over ChromaVectorStore.

Same embedder (citedqa's `MiniLMEmbedder` is a llama-index `BaseEmbedding`), same chunks and
vectors as the citedqa store it is compared with, in its own Chroma directory. Needs the
`llama-index-vector-stores-chroma` package.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from bench.seedtext import load_seed_text
from bench.synthetic import synthetic_batches
from citedqa.components import make_chunker
from citedqa.embedder import MiniLMEmbedder
from citedqa.settings import Settings

PAGE = 2000  # records read from the citedqa store at a time


def open_index(path: str, collection: str, embedder: MiniLMEmbedder) -> Any:
    """A VectorStoreIndex over the Chroma collection at `path` (created when missing)."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(
        path=path, settings=ChromaSettings(anonymized_telemetry=False)
    )
    chroma_collection = client.get_or_create_collection(
        collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
    vector_store = ChromaVectorStore(chroma_collection=chroma_collection)
    storage = StorageContext.from_defaults(vector_store=vector_store)
    return VectorStoreIndex([], storage_context=storage, embed_model=embedder)


def _insert(
    index: Any,
    ids: Sequence[str],
    texts: Sequence[str],
    vectors: np.ndarray,
    metadatas: Sequence[dict[str, Any]],
) -> None:
    from llama_index.core.schema import TextNode

    nodes = [
        TextNode(id_=i, text=t, embedding=[float(x) for x in v], metadata=m)
        for i, t, v, m in zip(ids, texts, vectors, metadatas, strict=True)
    ]
    index.insert_nodes(nodes)


def write_synthetic(
    path: str, collection: str, size: int, seed: int, seeds_dir: str
) -> dict[str, Any]:
    """`bench.stores.write_synthetic`'s chunks (same seed: same data), written llama-index style."""
    started = time.perf_counter()
    settings = Settings(data_dir=Path(path))
    embedder = MiniLMEmbedder(settings.threads, settings.embed_batch_size)
    chunker = make_chunker(settings, embedder)
    index = open_index(path, collection, embedder)
    count = 0
    for batch in synthetic_batches(load_seed_text(Path(seeds_dir)), embedder, chunker, size, seed):
        meta = {"doc_id": batch.doc.doc_id, "title": batch.doc.title}
        _insert(
            index,
            [c.chunk_id for c in batch.chunks],
            [c.text for c in batch.chunks],
            batch.vectors,
            [meta] * len(batch.chunks),
        )
        count += len(batch.chunks)
    return {"chunks": count, "seconds": time.perf_counter() - started}


def _pages(data_dir: str, collection: str) -> Iterator[Any]:
    settings = Settings(data_dir=Path(data_dir), collection=collection)
    source = chromadb.PersistentClient(
        path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False)
    ).get_collection(collection)
    offset = 0
    while True:
        page = source.get(
            include=["documents", "embeddings", "metadatas"], limit=PAGE, offset=offset
        )
        if not page["ids"]:
            return
        yield page
        offset += len(page["ids"])


def mirror(data_dir: str, collection: str, path: str, bare_collection: str) -> dict[str, Any]:
    """Copy a citedqa collection's chunks and vectors into a llama-index collection."""
    started = time.perf_counter()
    index = open_index(path, bare_collection, MiniLMEmbedder())
    count = 0
    for page in _pages(data_dir, collection):
        metas = [{"doc_id": m["doc_id"], "title": m.get("title", "")} for m in page["metadatas"]]
        _insert(index, page["ids"], page["documents"], np.asarray(page["embeddings"]), metas)
        count += len(page["ids"])
    return {"chunks": count, "seconds": time.perf_counter() - started}
