"""Every error becomes an RFC 9457 problem+json response, here and only here."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from citedqa.errors import BatchWriteError, CitedQAError, InvalidInputError
from service.api.schemas import Problem

log = logging.getLogger("citedqa")
MEDIA_TYPE = "application/problem+json"


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body = Problem(title=title, status=status, detail=detail, **extra)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def problem_of(exc: CitedQAError, headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem response for one of citedqa's errors (routes and middleware alike)."""
    return problem(exc.status_code, exc.title, exc.message, headers)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem replies for a route."""
    return {s: {"model": Problem, "content": {MEDIA_TYPE: {}}} for s in statuses}


def problem_of_http(exc: StarletteHTTPException) -> JSONResponse:
    """The problem response for a framework HTTPException, keeping its headers (`Allow`...)."""
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    return problem(exc.status_code, title, str(exc.detail), dict(exc.headers or {}))


def _validation_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [_error(err) for err in exc.errors()]


def _error(err: dict[str, Any]) -> dict[str, object]:
    """One validation error as loc and msg, in words for the two a hand-written request hits:
    pydantic says "44: JSON decode error" for a body that is not JSON, and "Input should be a
    valid dictionary" for a form-encoded one (`curl -d` without a content type)."""
    loc = [str(p) for p in err.get("loc", ())]
    if err.get("type") == "json_invalid":
        why = str((err.get("ctx") or {}).get("error", "")).strip()
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        return {"loc": ["body"], "msg": f"not valid JSON{where}" + (f" ({why})" if why else "")}
    if loc == ["body"] and err.get("type") in {"dict_type", "model_attributes_type"}:
        return {
            "loc": loc,
            "msg": "must be a JSON object, sent with Content-Type: application/json",
        }
    return {"loc": loc, "msg": _reason(str(err.get("msg", "")))}


def _reason(message: str) -> str:
    """Our validators' words, without the "Value error, " pydantic puts before them."""
    return message.removeprefix("Value error, ")


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problems."""

    @app.exception_handler(CitedQAError)
    async def _cited(_: Request, exc: CitedQAError) -> JSONResponse:
        return problem_of(exc)

    @app.exception_handler(BatchWriteError)
    async def _partly_stored(_: Request, exc: BatchWriteError) -> JSONResponse:
        return problem(exc.status_code, exc.title, exc.message, may_be_stored=exc.may_be_stored)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors)  # type: ignore[index]
        return problem(422, InvalidInputError.title, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # The framework's own parse failures (JSON that is not UTF-8, a broken multipart
            # body) are invalid input like any other: 422, as the API documents.
            return problem(422, InvalidInputError.title, f"body: {exc.detail}")
        return problem_of_http(exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # This runs outside the request middleware: take the id from the request's state.
        request_id = getattr(request.state, "request_id", None)
        log.exception("unhandled error", extra={"fields": {"request_id": request_id}})
        detail = "an unexpected error occurred; see the server log"
        if request_id is None:
            return problem(500, "Internal error", detail)
        detail += f" (request id {request_id})"
        return problem(500, "Internal error", detail, {"X-Request-ID": request_id})
