"""`create_app(settings)`: the FastAPI application, with nothing opened at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from citedqa.settings import Settings
from service.api import problems
from service.api.apidocs import docs_app, document_deployment
from service.api.routers import collections, documents, health, openai_compat, query
from service.components import Components
from service.middleware.limits import BodyLimit
from service.middleware.security import install_security
from service.telemetry.logs import configure_logging
from service.telemetry.observability import RequestContext, install_metrics, install_request_ids
from service.telemetry.tracing import start_tracing
from service.web import page


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the embedder and store are opened when it starts serving."""

    tracing = start_tracing(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.components = Components.build(settings)
        yield
        app.state.components.close()
        if tracing is not None:
            tracing.close()

    app = docs_app(
        title="citedqa",
        version="0.1.0",
        summary="Answers only from your documents, and proves every answer with citations.",
        lifespan=lifespan,
    )
    problems.install(app)
    for scoped in (query.router, documents.router):
        app.include_router(scoped, prefix="/v1")  # the default collection
        app.include_router(
            scoped,
            prefix=collections.PREFIX,
            dependencies=collections.NAMED,
            responses=collections.NAMED_RESPONSES,
        )
    for module in (collections, openai_compat, health, page):
        app.include_router(module.router)
    # Middleware, innermost first: body cap, keys and rate limits (CORS outside them),
    # HTTP metrics, then the request id and access log around everything.
    app.add_middleware(BodyLimit, settings=settings)
    install_security(app, settings)
    app.add_middleware(RequestContext, metrics=install_metrics(app), tracing=tracing)
    install_request_ids(app)
    document_deployment(app, settings)
    return app


def app_from_env() -> FastAPI:
    """The app for settings read from the environment (uvicorn's factory for workers)."""
    from citedqa.memory import limit_malloc_arenas
    from citedqa.settings import load_settings

    limit_malloc_arenas()  # a worker process: before its threads start
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
