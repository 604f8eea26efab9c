"""The service's long-lived parts, built once at start-up and injected into routes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from citedqa import languages
from citedqa.components import make_embedder, make_indexer, open_store, shared_store
from citedqa.embedder import Embedder
from citedqa.isolation import ParserPool
from citedqa.ocr import ocr_options
from citedqa.orphans import sweep_orphans
from citedqa.settings import Settings
from citedqa.store import Store
from service.library import DocumentLibrary
from service.middleware.security import Gate
from service.qa.answerers import make_answerer, make_backend
from service.qa.answerers.language import Linguist
from service.qa.answerers.synonyms import WordMatcher
from service.qa.batching import ChunkReader, NearestSearch, QueryEncoder
from service.qa.catalog import Catalog
from service.qa.chat import Condenser
from service.qa.citing import Citer
from service.qa.generation import GenerationClock
from service.qa.lexical import LexicalIndex
from service.qa.retrieval import Retriever
from service.qa.service import QAService
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
class Components:
    """One of each outside system, and the services built over them."""

    settings: Settings
    embedder: Embedder
    store: Store
    texts: DocumentTexts
    qa: QAService
    condenser: Condenser
    library: DocumentLibrary
    encoder: QueryEncoder
    search: NearestSearch
    reader: ChunkReader
    health: HealthCheck
    gate: Gate  # the access rules, for routes that show more to a caller with a key
    parser: ParserPool  # uploads are parsed in its worker processes, with a time limit

    @classmethod
    def build(cls, settings: Settings) -> Components:
        settings = plan_threads(settings)
        embedder = make_embedder(settings)
        store = open_store(settings, embedder)
        sweep_orphans(store, shared_store(settings))  # what a write that died left behind
        texts = DocumentTexts(store)
        clock = GenerationClock(store)
        catalog = Catalog(store, clock)
        catalog.warm()
        lexical = LexicalIndex(store, clock)
        if settings.retrieval != "vector":
            lexical.warm()
        encoder = QueryEncoder(embedder)
        search, reader = NearestSearch(store), ChunkReader(store)
        retriever = Retriever(
            encoder, search, reader, catalog, lexical, settings.rrf_k, settings.bm25_weight
        )
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
        qa = QAService(retriever, answerer, Citer(texts, judge))
        condenser = Condenser(backend, settings.llm_fallback_extractive)

        def changed(doc_ids: list[str]) -> None:
            """After this process's own writes: every read-side cache catches up at once."""
            clock.expire()
            texts.forget(doc_ids)
            catalog.forget(doc_ids)
            lexical.refresh()

        # The indexer loads every document's near-duplicate fingerprint: only for writers.
        parser = ParserPool(PARSE_WORKERS, settings.parse_timeout, ocr_options(settings))
        library = DocumentLibrary(
            store, lambda: make_indexer(settings, embedder, store), settings, changed, parser
        )
        return cls(
            settings,
            embedder,
            store,
            texts,
            qa,
            condenser,
            library,
            encoder,
            search,
            reader,
            HealthCheck(embedder, store),
            Gate(settings),
            parser,
        )

    def close(self) -> None:
        """Stop background threads (the app is shutting down)."""
        self.qa.close()
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


async def _qa(request: Request) -> QAService:
    return _of(request).qa


async def _condenser(request: Request) -> Condenser:
    return _of(request).condenser


async def _store(request: Request) -> Store:
    return _of(request).store


async def _library(request: Request) -> DocumentLibrary:
    return _of(request).library


async def _settings(request: Request) -> Settings:
    return _of(request).settings


ComponentsDep = Annotated[Components, Depends(_components)]
QADep = Annotated[QAService, Depends(_qa)]
CondenserDep = Annotated[Condenser, Depends(_condenser)]
StoreDep = Annotated[Store, Depends(_store)]
LibraryDep = Annotated[DocumentLibrary, Depends(_library)]
SettingsDep = Annotated[Settings, Depends(_settings)]
