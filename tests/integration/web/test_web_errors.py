"""Errors are clear messages, never a broken page; a refused `stream` field falls back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.helpers import ask

QUESTION = "Where did Putin and Kim meet?"
PROBLEM = "application/problem+json"


def sse(event: str, data: object) -> str:
    """One Server-Sent Events frame."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def problem(status: int, title: str, detail: str) -> Callable[[Route], None]:
    """A route handler answering with an RFC 9457 problem."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return lambda route: route.fulfill(status=status, content_type=PROBLEM, body=body)


def stream(*frames: str) -> Callable[[Route], None]:
    """A route handler answering with an event stream of these frames."""
    body = "".join(frames)
    return lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body)


INCOMPLETE = stream(sse("delta", {"text": "Half an"}))
FAILED = stream(
    sse("delta", {"text": "Half an"}),
    sse("error", {"title": "Answer timed out", "status": 504, "detail": "the LLM took too long"}),
)


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (problem(401, "Unauthorized", "missing or invalid API key"), "needs a valid API key (401"),
        (problem(429, "Too many requests", "limit is 10 a minute"), "limit is 10 a minute"),
        (problem(500, "Internal error", "see the server log"), "failed (500 Internal error"),
        (lambda r: r.fulfill(status=502, body="Bad Gateway"), "failed (502"),
        (lambda r: r.abort("connectionrefused"), "Service unreachable"),
        (FAILED, "failed (504 Answer timed out: the LLM took too long)"),
        (INCOMPLETE, "the stream ended without an answer"),
    ],
    ids=["401", "429", "500", "502-not-json", "down", "stream-error", "stream-cut"],
)
def test_query_failures_show_a_clear_message(
    page: Page, web_url: str, handler: Callable[[Route], None], message: str
) -> None:
    page.goto(web_url)
    page.route("**/v1/query", handler)
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("alert")).to_contain_text("No answer.")
    expect(page.locator("#answer")).to_have_attribute("data-state", "error")
    expect(page.locator("#answer")).to_be_hidden()
    expect(page.get_by_role("button", name="Ask", exact=True)).to_be_enabled()


def test_a_401_points_at_the_api_key_field(page: Page, web_url: str) -> None:
    page.route("**/v1/documents?*", problem(401, "Unauthorized", "missing API key"))
    page.goto(web_url)
    expect(page.get_by_role("alert")).to_contain_text("Cannot list the documents.")
    key = page.get_by_label("API key")
    expect(key).to_be_focused()
    expect(key).to_have_attribute("aria-invalid", "true")


def test_final_answer_replaces_the_streamed_text(
    page: Page, web_url: str, api: httpx.Client
) -> None:
    final = api.post("/v1/query", json={"question": QUESTION}).json()
    frames = [
        ": a comment line, ignored\n\n",
        sse("delta", {"text": "Draft sentence whose citation was dropped [2]. "}),
        sse("delta", {"text": "<b>not bold</b>"}),
        sse("final", final),
        sse("done", {}),
    ]
    page.route("**/v1/query", stream(*frames))
    page.goto(web_url)
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    expect(page.locator("#answer-body")).to_have_text(final["answer"])
    expect(page.locator("#citations > li")).to_have_count(len(final["citations"]))


def test_falls_back_to_a_plain_request_when_stream_is_rejected(page: Page, web_url: str) -> None:
    bodies: list[dict[str, object]] = []

    def old_service(route: Route) -> None:
        body = route.request.post_data_json
        bodies.append(body)
        if "stream" in body:
            problem(422, "Invalid input", "stream: Extra inputs are not permitted")(route)
        else:
            route.continue_()

    page.route("**/v1/query", old_service)
    page.goto(web_url)
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    expect(page.locator("#answer button.marker")).not_to_have_count(0)
    ask(page, "What did Putin say about agriculture?")
    expect(page.locator("#answer-body")).to_contain_text("agricultur")
    assert bodies == [
        {"question": QUESTION, "stream": True},
        {"question": QUESTION},
        {"question": "What did Putin say about agriculture?"},
    ]


def test_a_too_long_question_is_a_clear_422_not_a_fallback(page: Page, web_url: str) -> None:
    page.goto(web_url)
    page.get_by_label("Question").evaluate("el => el.removeAttribute('maxlength')")
    ask(page, "why " * 600)
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"refused \(422 .*question"))
