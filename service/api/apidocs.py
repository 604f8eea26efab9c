"""The API docs: pages that work offline, and what the deployment middlewares add.

FastAPI's `/docs` and `/redoc` load Swagger UI and ReDoc from a CDN, so they are blank
without internet. `docs_app` builds the app with fastapi-offline, which serves the same
pages with the scripts its package ships (under `DOCS_ASSETS`): nothing copied by hand,
updated with the package. ReDoc still asks for one Redocly badge image; offline it is
missing and the page works.

Keys, rate limits and the body cap act before routing, so FastAPI cannot see them: `extend`
adds the security schemes (Swagger UI's "Authorize" button) and the 401/403/413/429
problem responses to every operation they can happen on, as configured.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from citedqa.settings import Settings
from service.api.problems import MEDIA_TYPE
from service.middleware.security import DOCS_ASSETS, is_public, is_write

SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
_HEADERS = {
    401: {"WWW-Authenticate": "How to authenticate: `Bearer`."},
    429: {"Retry-After": "Seconds to wait before retrying."},
}


def docs_app(**options: Any) -> FastAPI:
    """A FastAPI app (`options` as for FastAPI) whose `/docs` and `/redoc` work offline."""
    return FastAPIOffline(static_url=DOCS_ASSETS, **options)


def _problem(status: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in _HEADERS:
        out["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in _HEADERS[status].items()
        }
    return out


def statuses_for(settings: Settings, method: str, path: str, has_body: bool) -> list[int]:
    """The middleware statuses a request to this operation can get."""
    if is_public(path):
        return []
    write = is_write(method, path)
    keyed = settings.keys_file is not None or settings.api_key is not None
    keyed = keyed or (write and settings.admin_api_key is not None)
    scoped = settings.keys_file is not None or (settings.api_key and settings.admin_api_key)
    return [
        *([401] if keyed else []),
        *([403] if write and scoped else []),
        *([413] if has_body else []),
        *([429] if settings.rate_limit_per_minute else []),
    ]


def extend(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """`schema` with the schemes and the middleware responses added (in place)."""
    secured = False
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            has_body = "requestBody" in operation
            statuses = statuses_for(settings, method.upper(), path, has_body)
            for status in statuses:
                operation["responses"].setdefault(str(status), _problem(status))
            if 401 in statuses:
                operation["security"] = [{name: []} for name in SCHEMES]
                secured = True
    if secured:
        schema.setdefault("components", {})["securitySchemes"] = SCHEMES
    return schema


def document_deployment(app: FastAPI, settings: Settings) -> None:
    """Make `app.openapi()` describe the middlewares too."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = extend(FastAPI.openapi(app), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
