"""A thin, thread-safe HTTP client for the citedqa service contract."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from eval.errors import ServiceUnavailable
from eval.observation import Citation


class RequestFailed(Exception):
    """One request failed (transport error, error status or malformed body).

    ``status`` is the HTTP status of an error response, None for other failures.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryResult:
    """A parsed /v1/query response and how long it took."""

    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    latency_ms: float


class ServiceClient:
    """Calls the service endpoints; safe to share between threads."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, max_connections: int = 8) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=max_connections),
        )

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def wait_until_healthy(self, timeout: float, interval: float = 0.25) -> None:
        """Poll GET /health until it answers 200; raise ServiceUnavailable after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                response = self._http.get("/health")
                if response.status_code == 200:
                    return
                reason = f"GET /health returned {response.status_code}"
            except httpx.HTTPError as exc:
                reason = _describe(exc)
            if time.monotonic() >= deadline:
                raise ServiceUnavailable(f"service at {self.base_url} is not reachable: {reason}")
            time.sleep(interval)

    def query(self, question: str, top_k: int) -> QueryResult:
        """POST /v1/query."""
        started = time.perf_counter()
        body = self._request("POST", "/v1/query", {"question": question, "top_k": top_k})
        latency_ms = (time.perf_counter() - started) * 1000.0
        try:
            answer, refused = body["answer"], body["refused"]
            citations = tuple(Citation.from_json(c) for c in body["citations"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RequestFailed(f"POST /v1/query: malformed response ({exc})") from None
        if not isinstance(answer, str) or not isinstance(refused, bool):
            raise RequestFailed("POST /v1/query: 'answer' must be a string, 'refused' a bool")
        return QueryResult(answer, refused, citations, latency_ms)

    def retrieve(self, question: str, top_k: int, mode: str | None = None) -> tuple[str, ...]:
        """POST /v1/retrieve; the doc_ids of the ranked chunks, best first.

        ``mode`` is sent as the ``retrieval`` field; None leaves the service's default.
        """
        payload: dict[str, Any] = {"question": question, "top_k": top_k}
        if mode is not None:
            payload["retrieval"] = mode
        body = self._request("POST", "/v1/retrieve", payload)
        try:
            return tuple(str(chunk["doc_id"]) for chunk in body["chunks"])
        except (KeyError, TypeError) as exc:
            raise RequestFailed(f"POST /v1/retrieve: malformed response ({exc})") from None

    def document_text(self, doc_id: str) -> str:
        """GET /v1/documents/{doc_id}; the canonical text."""
        body = self._request("GET", f"/v1/documents/{quote(doc_id, safe='')}")
        text = body.get("text")
        if not isinstance(text, str):
            raise RequestFailed(f"GET /v1/documents/{doc_id}: malformed response (no text)")
        return text

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, path, json=payload)
        except httpx.HTTPError as exc:
            raise RequestFailed(f"{method} {path}: {_describe(exc)}") from None
        if response.is_error:
            message = f"{method} {path}: {response.status_code} {_problem(response)}"
            raise RequestFailed(message, response.status_code)
        try:
            body = response.json()
        except ValueError:
            raise RequestFailed(f"{method} {path}: response is not JSON") from None
        if not isinstance(body, dict):
            raise RequestFailed(f"{method} {path}: response is not a JSON object")
        return body


def _describe(exc: httpx.HTTPError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _problem(response: httpx.Response) -> str:
    """A one-line summary of an error body (problem+json title/detail when present)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("title", "detail") if body.get(k)]
        if parts:
            return ": ".join(parts)
    return str(body)[:200]
