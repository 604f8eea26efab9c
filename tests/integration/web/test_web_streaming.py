"""The answer really streams in: a delta shows before the final answer exists."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from playwright.sync_api import Page, expect

from eval.inprocess import serve_app
from service.web import page as web_page
from tests.helpers import ask

FIRST = "Kim travelled by armoured train. "
FINAL = {
    "answer": "Kim travelled by armoured train [1].",
    "refused": False,
    "citations": [
        {
            "doc_id": "train",
            "title": "On the train",
            "chunk_id": "train:abc:0-30",
            "quote": "Kim travelled by armoured train",
            "start": 0,
            "end": 31,
            "score": 0.9,
            "outlet": "Rail News",
            "author": None,
            "date": None,
            "page": None,
            "also_reported_by": [],
        }
    ],
    "answerer": "test",
    "model": "test",
}


def frame(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def held_back_app(release: threading.Event) -> FastAPI:
    """The page, and a /v1/query that sends one delta, then waits for `release`."""
    app = FastAPI()
    app.include_router(web_page.router)

    @app.get("/v1/documents")
    def documents() -> dict[str, object]:
        return {"documents": [], "next_cursor": None}

    @app.post("/v1/query")
    def query() -> StreamingResponse:
        async def frames() -> AsyncIterator[str]:
            yield frame("delta", {"text": FIRST})
            while not release.is_set():
                await asyncio.sleep(0.02)
            yield frame("final", FINAL)
            yield frame("done", {})

        return StreamingResponse(frames(), media_type="text/event-stream")

    return app


@pytest.fixture
def held_back() -> Iterator[tuple[str, threading.Event]]:
    release = threading.Event()
    with serve_app(held_back_app(release)) as url:
        yield url, release
        release.set()


def test_deltas_show_as_they_arrive_then_the_final_answer(
    page: Page, held_back: tuple[str, threading.Event]
) -> None:
    url, release = held_back
    page.goto(url)
    ask(page, "How did Kim travel?")
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-state", "streaming")
    expect(answer).to_have_attribute("aria-busy", "true")
    expect(page.locator("#answer-body")).to_have_text(FIRST.strip())
    expect(page.get_by_role("button", name="Ask", exact=True)).to_be_disabled()
    release.set()
    expect(answer).to_have_attribute("data-state", "answered")
    expect(page.locator("#answer-body")).to_have_text(FINAL["answer"])
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#citations .outlet")).to_have_text("Rail News")
