"""`create_app(settings)`: the FastAPI application, with nothing opened at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from citedqa.settings import Settings
from service import problems
from service.components import Components
from service.routers import documents, health, openai_compat, query
from service.web import page


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the embedder and store are opened when it starts serving."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.components = Components.build(settings)
        yield

    app = FastAPI(
        title="citedqa",
        version="0.1.0",
        summary="Answers only from your documents, and proves every answer with citations.",
        lifespan=lifespan,
    )
    problems.install(app)
    for module in (query, documents, openai_compat, health, page):
        app.include_router(module.router)
    return app
