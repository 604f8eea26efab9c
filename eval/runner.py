"""Evaluate a running service over HTTP: ask every question, fetch cited documents, score."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from citedqa.client import Client
from citedqa.client_models import QueryResponse
from citedqa.errors import CitedQAError, ServiceError
from eval.errors import ServiceUnavailable
from eval.modes import MODES, RetrievalComparison, compare_modes, ranked_chunks
from eval.observation import Citation, Observation
from eval.questions import Question
from eval.retrieval_metrics import RETRIEVAL_DEPTH
from eval.summary import Summary, summarize

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Evaluation:
    """The scored run (default retrieval mode) and the per-mode retrieval comparison."""

    summary: Summary
    retrieval: RetrievalComparison


def evaluate(
    base_url: str,
    questions: Sequence[Question],
    *,
    top_k: int = 5,
    concurrency: int = 4,
    timeout: float = 60.0,
    health_timeout: float = HEALTH_TIMEOUT_S,
    modes: Sequence[str] = MODES,
    formats: Mapping[str, str] | None = None,
    collection: str | None = None,
    api_key: str | None = None,
) -> Evaluation:
    """Ask ``questions`` of the service at ``base_url`` and score the answers.

    Raises ServiceUnavailable when /health does not answer 200 within ``health_timeout``.
    Failures of individual requests are recorded on the question, not raised. ``formats``
    (doc_id → file format) adds a per-format line when the corpus mixes formats; questions
    go to ``collection`` (None: the service's default), with ``api_key`` as a bearer token.
    Raises ServiceUnavailable, too, when the service refuses the key (or its absence): every
    question would fail, and a report of failures says nothing about the answers.
    """
    with (
        Client(
            base_url,
            api_key=api_key,
            timeout=timeout,
            max_connections=concurrency,
            collection=collection,
        ) as client,
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval") as pool,
    ):
        wait_until_healthy(client, health_timeout)
        check_access(client)
        observations = list(pool.map(lambda q: observe(client, q, top_k), questions))
        doc_ids = sorted({c.doc_id for o in observations for c in o.citations})
        texts = pool.map(lambda doc_id: fetch_document(client, doc_id), doc_ids)
        documents = dict(zip(doc_ids, texts, strict=True))
        comparison = compare_modes(client, pool, questions, modes)
    return Evaluation(summarize(questions, observations, documents, formats), comparison)


def check_access(client: Client) -> None:
    """Raise ServiceUnavailable when the service refuses this client's key (401, 403).

    Any other answer passes: the probe (one page of `GET /v1/documents`) only asks whether the
    key is accepted, and a service without that route can still be evaluated.
    """
    try:
        next(client.documents(page_size=1), None)
    except ServiceError as exc:
        if exc.status in {401, 403}:
            raise ServiceUnavailable(
                f"service at {client.url} refused the request ({exc.message}); give its key "
                "with --api-key or CITEDQA_API_KEY"
            ) from None


def wait_until_healthy(client: Client, timeout: float, interval: float = 0.25) -> None:
    """Poll GET /health until it says ok; raise ServiceUnavailable after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            health = client.health()
            if health.status == "ok":
                return
            reason = f"GET /health says {health.status} (store: {health.store})"
        except CitedQAError as exc:
            reason = exc.message
        if time.monotonic() >= deadline:
            raise ServiceUnavailable(f"service at {client.url} is not reachable: {reason}")
        time.sleep(interval)


def observe(client: Client, question: Question, top_k: int) -> Observation:
    """Query and retrieve for one question; request failures go into ``error``."""
    errors: list[str] = []
    reply: QueryResponse | None = None
    started = time.perf_counter()
    try:
        reply = client.ask(question.question, top_k=top_k)
    except CitedQAError as exc:
        errors.append(exc.message)
    latency_ms = (time.perf_counter() - started) * 1000.0
    retrieved: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    try:
        retrieved, texts = ranked_chunks(client, question.question, RETRIEVAL_DEPTH)
    except CitedQAError as exc:
        errors.append(exc.message)
    for failure in errors:
        log.warning("question %s: %s", question.id, failure)
    error = "; ".join(errors) or None
    if reply is None:
        return Observation(retrieved_doc_ids=retrieved, retrieved_texts=texts, error=error)
    return Observation(
        answer=reply.answer,
        refused=reply.refused,
        citations=tuple(Citation.of(c) for c in reply.citations),
        retrieved_doc_ids=retrieved,
        retrieved_texts=texts,
        latency_ms=latency_ms,
        error=error,
    )


def fetch_document(client: Client, doc_id: str) -> str | None:
    """The canonical text of a cited document, or None (its citations then count as invalid)."""
    try:
        return client.document(doc_id).text
    except CitedQAError as exc:
        log.warning("cited document %r: %s", doc_id, exc.message)
        return None
