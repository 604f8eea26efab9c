"""`Client`: the citedqa HTTP API from Python, typed, so nobody hand-writes the calls.

    from citedqa.client import Client

    with Client("http://127.0.0.1:8000", api_key=None) as service:
        reply = service.ask("Where did Putin and Kim meet?")
        for n, citation in enumerate(reply.citations, 1):
            print(n, citation.doc_id, citation.quote)

The command line (`citedqa ask`, `citedqa documents`) and the eval harness use it too. Every
error reply becomes a `ServiceError` carrying the RFC 9457 problem (status, title, detail);
no reply at all (refused, timed out, broken off) a `ServiceUnreachable`. One client may be
shared between threads, as its httpx pool is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict, TypeVar
from urllib.parse import quote

import httpx
from httpx_sse import SSEError, connect_sse
from pydantic import BaseModel, ValidationError
from typing_extensions import Unpack

from citedqa.client_models import (
    ChunkOut,
    DeleteResponse,
    Delta,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    Final,
    HealthResponse,
    Problem,
    QueryResponse,
    RetrieveResponse,
    StreamEvent,
    UploadResponse,
    UploadResult,
)
from citedqa.errors import ServiceError, ServiceUnreachable

Model = TypeVar("Model", bound=BaseModel)


class Search(TypedDict, total=False):
    """How to search, for `ask`, `stream` and `retrieve`; each left out takes the default."""

    top_k: int | None  # chunks to retrieve, 1-50 (the service's CITEDQA_TOP_K)
    retrieval: str | None  # "hybrid", "vector" or "bm25" (the service's CITEDQA_RETRIEVAL)
    doc_ids: Iterable[str] | None  # only these documents
    filters: Mapping[str, str] | None  # only documents whose metadata equal these


DEFAULT_TIMEOUT_S = 60.0


class Client:
    """The routes of one citedqa service at `url`, with `api_key` sent as a bearer token."""

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        max_connections: int = 8,
        collection: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # The question and document routes of `collection` (None: the service's default).
        self._base = f"/v1/collections/{quote(collection, safe='')}" if collection else "/v1"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=timeout,
            limits=httpx.Limits(max_connections=max_connections),
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # --- questions ---------------------------------------------------------------------------

    def ask(self, question: str, *, debug: bool = False, **search: Unpack[Search]) -> QueryResponse:
        """`POST /v1/query`: the cited answer, or a refusal (`refused`, `refusal_reason`).

        `debug=True` adds the stage `timings`.
        """
        body = _question(question, search) | ({"debug": True} if debug else {})
        return self._call("POST", f"{self._base}/query", QueryResponse, json=body)

    def stream(self, question: str, **search: Unpack[Search]) -> Iterator[StreamEvent]:
        """`POST /v1/query` with `stream: true`: `Delta`s as they come, then one `Final`.

        An `error` event, or a stream that ends without the answer, raises `ServiceError`;
        closing the iterator early ends the request, which stops the service's generation.
        """
        body = _question(question, search) | {"stream": True}
        path = f"{self._base}/query"
        try:
            with connect_sse(self._http, "POST", path, json=body) as events:
                if events.response.is_error:
                    events.response.read()
                    raise _error("POST", path, events.response)
                for event in events.iter_sse():
                    if event.event == "delta":
                        yield _parse(Delta, event.json(), "POST", path)
                    elif event.event == "final":
                        yield Final(response=_parse(QueryResponse, event.json(), "POST", path))
                        return
                    elif event.event == "error":
                        raise _problem_error("POST", path, event.json(), 500)
        except httpx.HTTPError as exc:
            raise self._unreachable("POST", path, exc) from None
        except (SSEError, json.JSONDecodeError) as exc:
            raise ServiceError(502, "Malformed stream", str(exc), request=f"POST {path}") from None
        raise ServiceError(
            502, "Malformed stream", "it ended without the answer", request=f"POST {path}"
        )

    def retrieve(self, question: str, **search: Unpack[Search]) -> list[ChunkOut]:
        """`POST /v1/retrieve`: the ranked chunks the answerer would see, best first."""
        body = _question(question, search)
        return self._call("POST", f"{self._base}/retrieve", RetrieveResponse, json=body).chunks

    # --- documents ---------------------------------------------------------------------------

    def documents(
        self,
        *,
        outlet: str | None = None,
        author: str | None = None,
        date: str | None = None,
        duplicate_of: str | None = None,
        page_size: int = 100,
    ) -> Iterator[DocumentSummary]:
        """`GET /v1/documents`, page after page: the collection by doc_id.

        Only documents whose metadata equal the filters given; `duplicate_of=""` leaves out
        near-duplicates.
        """
        wanted = {"outlet": outlet, "author": author, "date": date, "duplicate_of": duplicate_of}
        filters = {k: v for k, v in wanted.items() if v is not None}
        cursor: str | None = None
        while True:
            params = {"limit": page_size, **filters} | ({"cursor": cursor} if cursor else {})
            page = self._call("GET", f"{self._base}/documents", DocumentList, params=params)
            yield from page.documents
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def document(self, doc_id: str) -> DocumentDetail:
        """`GET /v1/documents/{doc_id}`: one document with its canonical text."""
        return self._call("GET", self._document_path(doc_id), DocumentDetail)

    def upload(self, paths: Iterable[str | Path]) -> list[UploadResult]:
        """`POST /v1/documents`: ingest these files (all or none); searchable on return."""
        files = [("files", (Path(p).name, Path(p).read_bytes())) for p in paths]
        return self._call("POST", f"{self._base}/documents", UploadResponse, files=files).documents

    def delete(self, doc_id: str) -> DeleteResponse:
        """`DELETE /v1/documents/{doc_id}`: the document and its chunks are gone."""
        return self._call("DELETE", self._document_path(doc_id), DeleteResponse)

    def _document_path(self, doc_id: str) -> str:
        return f"{self._base}/documents/{quote(doc_id, safe='')}"

    def health(self) -> HealthResponse:
        """`GET /health`: the report, also when it says unavailable (503)."""
        try:
            response = self._http.get("/health")
        except httpx.HTTPError as exc:
            raise self._unreachable("GET", "/health", exc) from None
        if response.status_code == 503:
            return _parse(HealthResponse, _json(response, "GET", "/health"), "GET", "/health")
        return self._read("GET", "/health", response, HealthResponse)

    # --- one request -------------------------------------------------------------------------

    def _call(self, method: str, path: str, model: type[Model], **request: Any) -> Model:
        try:
            response = self._http.request(method, path, **request)
        except httpx.HTTPError as exc:
            raise self._unreachable(method, path, exc) from None
        return self._read(method, path, response, model)

    def _read(self, method: str, path: str, response: httpx.Response, model: type[Model]) -> Model:
        if response.is_error:
            raise _error(method, path, response)
        return _parse(model, _json(response, method, path), method, path)

    def _unreachable(self, method: str, path: str, exc: httpx.HTTPError) -> ServiceUnreachable:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return ServiceUnreachable(f"{method} {self.url}{path}: {reason}")


def _question(question: str, search: Search) -> dict[str, Any]:
    """A /v1/query or /v1/retrieve body; options left out or None take the service's defaults."""
    doc_ids, filters = search.get("doc_ids"), search.get("filters")
    body = {
        "question": question,
        "top_k": search.get("top_k"),
        "retrieval": search.get("retrieval"),
        "doc_ids": None if doc_ids is None else list(doc_ids),
        "filters": None if filters is None else dict(filters),
    }
    return {name: value for name, value in body.items() if value is not None}


def _json(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError:
        detail = "the reply is not JSON"
        raise ServiceError(
            response.status_code, "Malformed reply", detail, request=f"{method} {path}"
        ) from None


def _parse(model: type[Model], body: Any, method: str, path: str) -> Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        wrong = exc.errors()[0]
        detail = f"{'.'.join(map(str, wrong['loc']))}: {wrong['msg']}"
        raise ServiceError(502, "Malformed reply", detail, request=f"{method} {path}") from None


def _error(method: str, path: str, response: httpx.Response) -> ServiceError:
    """The problem of an error reply (a plain-text one, from a proxy say, kept as detail)."""
    try:
        body = response.json()
    except ValueError:
        body = {"title": response.reason_phrase, "detail": response.text[:200].strip()}
    return _problem_error(method, path, body, response.status_code)


def _problem_error(method: str, path: str, body: Any, status: int) -> ServiceError:
    fields = body if isinstance(body, dict) else {"detail": str(body)[:200]}
    try:
        problem = Problem.model_validate({"title": "Error", "status": status, **fields})
    except ValidationError:
        problem = Problem(title="Error", status=status, detail=str(body)[:200])
    request = f"{method} {path}"
    return ServiceError(
        problem.status, problem.title, problem.detail, problem.errors, request=request
    )
