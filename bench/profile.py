"""Where one query's time goes: the service in-process, its stages timed in place.

The app is served by uvicorn on a real port (as `python -m eval` does) and asked one
question at a time over HTTP; each stage is the wall time of the function named below.
What no stage covers (HTTP, validation, routing, the thread hop, serialisation) is the
request's time minus retrieve, answer and cite.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from bench.stats import median
from bench.timers import StageTimer, Target
from citedqa.embedder import MiniLMEmbedder
from citedqa.store import Store
from service.qa.answerers.extractive import ExtractiveAnswerer
from service.qa.catalog import Catalog
from service.qa.citing import Citer
from service.qa.lexical import LexicalIndex
from service.qa.retrieval import Retriever
from service.qa.texts import DocumentTexts

STATES = "live-version and duplicate-group look-ups (Catalog.states)"
STATE_MISSES = "chroma manifest reads for them (cache miss)"
TEXTS = "document text reads for citations (DocumentTexts.get)"
# Stage -> function. Nested: retrieve ⊃ embed, vector search, bm25, fetch.
PROFILE_STAGES: dict[str, Target] = {
    "embed question": (MiniLMEmbedder, "encode_queries"),
    "vector search": (Store, "nearest"),
    "bm25 search": (LexicalIndex, "search"),
    "fetch the kept chunks (chroma get)": (Store, "get_chunks"),
    "retrieve (all of retrieval)": (Retriever, "retrieve_many"),
    "answer (extractive draft)": (ExtractiveAnswerer, "draft"),
    # A batch's questions are parsed ahead of their drafts (`Answerer.prepare`).
    "parse ahead": (ExtractiveAnswerer, "prepare"),
    "cite (verify + support)": (Citer, "finalize"),
    STATES: (Catalog, "states"),
    STATE_MISSES: (Store, "manifest"),
    TEXTS: (DocumentTexts, "get"),
}
WARMUP = 5


def _derived(stages: dict[str, float], total: float) -> dict[str, float]:
    """Exclusive stage times from nested ones, plus the HTTP/app remainder."""
    get = stages.get
    retrieve = get("retrieve (all of retrieval)", 0.0)
    inner = {
        "embed question": get("embed question", 0.0),
        "vector search (chroma: ids and distances)": get("vector search", 0.0),
        "bm25 search": get("bm25 search", 0.0),
        "fetch the kept chunks (chroma get)": get("fetch the kept chunks (chroma get)", 0.0),
    }
    answer = get("answer (extractive draft)", 0.0) + get("parse ahead", 0.0)
    cite = get("cite (verify + support)", 0.0)
    return {
        **inner,
        "fusion, live-version and duplicate filtering": retrieve - sum(inner.values()),
        "answer (extractive draft)": answer,
        "cite (verify + support)": cite,
        "HTTP + app (validation, threadpool, JSON)": total - retrieve - answer - cite,
        f"(inside the stages above) {STATES}": get(STATES, 0.0),
        f"(inside the stages above) {STATE_MISSES}": get(STATE_MISSES, 0.0),
        f"(inside the stages above) {TEXTS}": get(TEXTS, 0.0),
        "total (client-measured)": total,
    }


def _profile_mode(
    client: httpx.Client, timer: StageTimer, questions: list[str], mode: str | None
) -> dict[str, Any]:
    """Median ms per stage over the answered questions; the first error when none was."""
    rows: list[dict[str, float]] = []
    error = None
    for n, question in enumerate(questions):
        body: dict[str, Any] = {"question": question}
        if mode:
            body["retrieval"] = mode
        timer.take()
        started = time.perf_counter()
        response = client.post("/v1/query", json=body)
        total = time.perf_counter() - started
        stages = timer.take()
        if response.status_code != 200:
            error = error or f"HTTP {response.status_code}: {response.text[:300]}"
            if n + 1 >= WARMUP and not rows:
                break  # failing from the start: spare the machine the rest
        elif n >= WARMUP:
            rows.append(_derived(stages, total))
    if not rows:
        return {"error": error or "no question answered"}
    return {k: round(median([r[k] for r in rows]) * 1000.0, 3) for k in rows[0]}


def measure_profile(
    data_dir: str, collection: str, questions: dict[str, list[str]]
) -> dict[str, Any]:
    """Median ms per stage, per retrieval mode ("default": no `retrieval` field) and its
    own questions."""
    from citedqa.settings import Settings
    from eval.inprocess import serve_app
    from service.app import create_app

    settings = Settings(data_dir=Path(data_dir), collection=collection)
    timer = StageTimer()
    out: dict[str, Any] = {}
    with (
        timer.patched(PROFILE_STAGES),
        serve_app(create_app(settings)) as url,
        httpx.Client(base_url=url, timeout=120.0) as client,
    ):
        # The service builds BM25 in the background at start-up; a hybrid request waits
        # for it, so no profiled request shares the CPU with the build.
        client.post("/v1/query", json={"question": "warm-up", "retrieval": "hybrid"})
        for mode, asked in questions.items():
            out[mode] = _profile_mode(client, timer, asked, None if mode == "default" else mode)
    return out
