"""The service's long-lived parts, built once at start-up and injected into routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from citedqa.components import make_embedder, open_store
from citedqa.embedder import Embedder
from citedqa.settings import Settings
from citedqa.store import Store
from service.answerers import make_answerer
from service.citing import Citer
from service.qa import QAService
from service.retrieval import Retriever
from service.texts import DocumentTexts


@dataclass
class Components:
    """One of each outside system, and the services built over them."""

    settings: Settings
    embedder: Embedder
    store: Store
    texts: DocumentTexts
    qa: QAService

    @classmethod
    def build(cls, settings: Settings) -> Components:
        embedder = make_embedder(settings)
        store = open_store(settings, embedder)
        texts = DocumentTexts(store)
        qa = QAService(Retriever(embedder, store, texts), make_answerer(settings), Citer(texts))
        return cls(settings=settings, embedder=embedder, store=store, texts=texts, qa=qa)


def _components(request: Request) -> Components:
    return request.app.state.components  # type: ignore[no-any-return]


def _qa(request: Request) -> QAService:
    return _components(request).qa


def _store(request: Request) -> Store:
    return _components(request).store


def _settings(request: Request) -> Settings:
    return _components(request).settings


ComponentsDep = Annotated[Components, Depends(_components)]
QADep = Annotated[QAService, Depends(_qa)]
StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
