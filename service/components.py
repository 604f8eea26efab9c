"""The service's long-lived parts, built once at start-up and injected into routes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from citedqa import languages
from citedqa.components import make_embedder, make_indexer, open_store, shared_store
from citedqa.embedder import Embedder
from citedqa.errors import UnauthorizedError
from citedqa.isolation import ParserPool
from citedqa.ocr import ocr_options
from citedqa.orphans import sweep_orphans
from citedqa.settings import Settings
from citedqa.store import Store
from service.collections import Collection, Collections
from service.library import DocumentLibrary
from service.middleware.keys import Grant
from service.middleware.security import Gate
from service.qa.answerers import make_answerer, make_backend
from service.qa.answerers.base import Answerer
from service.qa.answerers.language import Linguist
from service.qa.answerers.synonyms import WordMatcher
from service.qa.batching import ChunkReader, NearestSearch, QueryEncoder
from service.qa.catalog import Catalog
from service.qa.chat import Condenser
from service.qa.chunk_cache import ChunkCache
from service.qa.citing import Citer
from service.qa.generation import GenerationClock
from service.qa.lexical import LexicalIndex
from service.qa.retrieval import Retriever, SecondHop
from service.qa.service import AskQueue, QAService
from service.qa.support import SupportJudge
from service.qa.texts import DocumentTexts
from service.telemetry.health import HealthCheck

# Two uploads parse at once; a third waits for a worker (each parse has its own time limit).
PARSE_WORKERS = 2


def plan_threads(settings: Settings) -> Settings:
    """Share the cores between llama.cpp and onnxruntime (the embedder) when both run here.

    Both default to every core, and two thread pools spinning on the same cores made one call
    about 60x slower: llama.cpp gets `CITEDQA_LLM_THREADS` (half the cores when 0), the
    embedder `CITEDQA_THREADS` (the rest when 0).
    """
    if settings.llm != "llamacpp":
        return settings
    cores = os.cpu_count() or 1
    llm_threads = settings.llm_threads or max(1, cores // 2)
    threads = settings.threads or max(1, cores - llm_threads)
    return settings.model_copy(update={"llm_threads": llm_threads, "threads": threads})


@dataclass
class Shared:
    """What every collection's read and write side is built over (one of each)."""

    settings: Settings
    embedder: Embedder
    encoder: QueryEncoder
    search: NearestSearch
    reader: ChunkReader
    texts: DocumentTexts  # one cache of document texts for all collections
    answerer: Answerer
    judge: SupportJudge
    parser: ParserPool
    queue: AskQueue  # one batch queue for the questions of all collections

    def load(self, store: Store) -> Collection:
        """One collection's state over its store: the BM25 index and the catalog are
        loaded in the background, the indexer on the first write."""
        settings, embedder = self.settings, self.embedder
        texts = self.texts.for_store(store)
        clock = GenerationClock(store)
        catalog = Catalog(store, clock)
        catalog.warm()
        lexical = LexicalIndex(store, clock)
        if settings.retrieval != "vector":
            lexical.warm()
        retriever = Retriever(
            self.encoder,
            self.search.on(store),
            self.reader.on(store, ChunkCache(clock)),
            catalog,
            lexical,
            settings.rrf_k,
            settings.bm25_weight,
            SecondHop(settings.hop_seeds),
        )
        qa = QAService(retriever, self.answerer, Citer(texts, self.judge), self.queue)

        def changed(doc_ids: list[str]) -> None:
            collection.changed(doc_ids)

        # The indexer loads every document's near-duplicate fingerprint: only for writers.
        library = DocumentLibrary(
            store, lambda: make_indexer(settings, embedder, store), settings, changed, self.parser
        )
        collection = Collection(store, clock, texts, catalog, lexical, qa, library)
        return collection


@dataclass
class Components:
    """One of each outside system, and the services built over them."""

    settings: Settings
    embedder: Embedder
    collections: Collections  # the default one (CITEDQA_COLLECTION) and any others
    condenser: Condenser
    encoder: QueryEncoder
    search: NearestSearch
    reader: ChunkReader
    health: HealthCheck
    gate: Gate  # the access rules, for routes that show more to a caller with a key
    parser: ParserPool  # uploads are parsed in its worker processes, with a time limit
    queue: AskQueue

    @property
    def store(self) -> Store:
        """The default collection's store."""
        return self.collections.default.store

    @property
    def qa(self) -> QAService:
        """The default collection's read path."""
        return self.collections.default.qa

    @property
    def library(self) -> DocumentLibrary:
        """The default collection's documents."""
        return self.collections.default.library

    @classmethod
    def build(cls, settings: Settings) -> Components:
        settings = plan_threads(settings)
        embedder = make_embedder(settings)
        store = open_store(settings, embedder)
        sweep_orphans(store, shared_store(settings))  # what a write that died left behind
        encoder = QueryEncoder(embedder)
        search, reader = NearestSearch(), ChunkReader()
        judge = SupportJudge(embedder, settings.min_support_score)
        backend = make_backend(settings)
        linguist = Linguist()
        linguist.warm_up()
        languages.warm_up()  # the question-language detector, before the first question
        answerer = make_answerer(
            settings,
            judge,
            backend,
            linguist,
            WordMatcher(embedder),
            multilingual=embedder.multilingual,
        )
        condenser = Condenser(backend, settings.llm_fallback_extractive)
        parser = ParserPool(PARSE_WORKERS, settings.parse_timeout, ocr_options(settings))
        queue = AskQueue()
        shared = Shared(
            settings,
            embedder,
            encoder,
            search,
            reader,
            DocumentTexts(store),
            answerer,
            judge,
            parser,
            queue,
        )
        collections = Collections(shared.load(store), shared.load, settings.max_loaded_collections)
        return cls(
            settings,
            embedder,
            collections,
            condenser,
            encoder,
            search,
            reader,
            HealthCheck(embedder, store),
            Gate(settings),
            parser,
            queue,
        )

    def close(self) -> None:
        """Stop background threads (the app is shutting down)."""
        self.queue.close()
        self.encoder.close()
        self.search.close()
        self.reader.close()
        self.parser.close()


# The dependencies are coroutines: FastAPI runs a plain `def` dependency in the thread pool,
# a thread hop per dependency per request for what is an attribute read (profiled under load:
# 5% of the process's GIL time went to these hops).


def _of(request: Request) -> Components:
    return request.app.state.components  # type: ignore[no-any-return]


async def _components(request: Request) -> Components:
    return _of(request)


def _collection_of(request: Request) -> Collection:
    return _of(request).collections.get(request.path_params.get("collection"))


async def _collection(request: Request) -> Collection:
    """The collection a route's path names (`/v1/collections/{collection}/...`), else the
    default one (the routes without a collection in their path)."""
    return _collection_of(request)


async def _collections(request: Request) -> Collections:
    return _of(request).collections


async def _grant(request: Request) -> Grant:
    """The caller's key's grant, as the middleware (service.middleware.security) found it."""
    grant = request.scope.get("state", {}).get("grant")
    if not isinstance(grant, Grant):  # a route the middleware did not guard: no rights
        raise UnauthorizedError("no API key was checked for this route")
    return grant


async def _qa(request: Request) -> QAService:
    return _collection_of(request).qa


async def _condenser(request: Request) -> Condenser:
    return _of(request).condenser


async def _store(request: Request) -> Store:
    return _collection_of(request).store


async def _library(request: Request) -> DocumentLibrary:
    return _collection_of(request).library


async def _settings(request: Request) -> Settings:
    return _of(request).settings


ComponentsDep = Annotated[Components, Depends(_components)]
CollectionsDep = Annotated[Collections, Depends(_collections)]
CollectionDep = Annotated[Collection, Depends(_collection)]
GrantDep = Annotated[Grant, Depends(_grant)]
QADep = Annotated[QAService, Depends(_qa)]
CondenserDep = Annotated[Condenser, Depends(_condenser)]
StoreDep = Annotated[Store, Depends(_store)]
LibraryDep = Annotated[DocumentLibrary, Depends(_library)]
SettingsDep = Annotated[Settings, Depends(_settings)]
