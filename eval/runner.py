"""Evaluate a running service over HTTP: ask every question, fetch cited documents, score."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from eval.client import QueryResult, RequestFailed, ServiceClient
from eval.modes import MODES, RetrievalComparison, compare_modes
from eval.observation import Observation
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
) -> Evaluation:
    """Ask ``questions`` of the service at ``base_url`` and score the answers.

    Raises ServiceUnavailable when /health does not answer 200 within ``health_timeout``.
    Failures of individual requests are recorded on the question, not raised. ``formats``
    (doc_id → file format) adds a per-format line when the corpus mixes formats.
    """
    with (
        ServiceClient(base_url, timeout=timeout, max_connections=concurrency) as client,
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval") as pool,
    ):
        client.wait_until_healthy(health_timeout)
        observations = list(pool.map(lambda q: observe(client, q, top_k), questions))
        doc_ids = sorted({c.doc_id for o in observations for c in o.citations})
        texts = pool.map(lambda doc_id: fetch_document(client, doc_id), doc_ids)
        documents = dict(zip(doc_ids, texts, strict=True))
        comparison = compare_modes(client, pool, questions, modes)
    return Evaluation(summarize(questions, observations, documents, formats), comparison)


def observe(client: ServiceClient, question: Question, top_k: int) -> Observation:
    """Query and retrieve for one question; request failures go into ``error``."""
    errors: list[str] = []
    query: QueryResult | None = None
    try:
        query = client.query(question.question, top_k)
    except RequestFailed as exc:
        errors.append(str(exc))
    retrieved: tuple[str, ...] = ()
    try:
        retrieved = client.retrieve(question.question, RETRIEVAL_DEPTH)
    except RequestFailed as exc:
        errors.append(str(exc))
    for failure in errors:
        log.warning("question %s: %s", question.id, failure)
    error = "; ".join(errors) or None
    if query is None:
        return Observation(retrieved_doc_ids=retrieved, error=error)
    return Observation(
        answer=query.answer,
        refused=query.refused,
        citations=query.citations,
        retrieved_doc_ids=retrieved,
        latency_ms=query.latency_ms,
        error=error,
    )


def fetch_document(client: ServiceClient, doc_id: str) -> str | None:
    """The canonical text of a cited document, or None (its citations then count as invalid)."""
    try:
        return client.document_text(doc_id)
    except RequestFailed as exc:
        log.warning("cited document %r: %s", doc_id, exc)
        return None
