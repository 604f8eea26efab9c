"""Asking in the browser: a cited answer, a citation opened at its quote, a refusal, keys."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, Request, expect

from service.qa.citing import REFUSAL
from tests.helpers import ask

QUESTION = "Where did Putin and Kim meet?"


def test_cited_answer_and_a_citation_opens_its_highlighted_quote(
    page: Page, web_url: str, api: httpx.Client
) -> None:
    expected = api.post("/v1/query", json={"question": QUESTION}).json()
    assert expected["citations"], "the seeded store should answer this"
    page.goto(web_url)
    with page.expect_response("**/v1/query") as streamed:
        ask(page, QUESTION)
    assert streamed.value.headers["content-type"].startswith("text/event-stream")

    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-state", "answered")
    expect(page.locator("#answer-body")).to_have_text(expected["answer"])
    markers = answer.get_by_role("button", name=re.compile(r"^\[\d+\]$"))
    expect(markers).to_have_count(len(re.findall(r"\[\d+\]", expected["answer"])))
    items = page.locator("#citations > li")
    expect(items).to_have_count(len(expected["citations"]))
    for item, citation in zip(items.all(), expected["citations"], strict=True):
        expect(item.locator("cite")).to_have_text(citation["title"])
        assert item.locator("blockquote").text_content() == citation["quote"]
        if citation["outlet"]:
            expect(item.locator(".outlet")).to_have_text(citation["outlet"])

    first = expected["citations"][0]
    answer.get_by_role("button", name="[1]", exact=True).first.click()
    viewer = page.get_by_role("dialog")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("heading")).to_have_text(first["title"])
    mark = viewer.locator("mark")
    expect(mark).to_be_in_viewport()
    assert mark.text_content() == first["quote"]
    expect(page.locator("#viewer-status")).to_have_text(re.compile("^Quote verified"))
    document = api.get(f"/v1/documents/{first['doc_id']}").json()
    assert page.locator("#viewer-text").text_content() == document["text"]


def test_refusal_looks_like_a_refusal_not_an_error(page: Page, web_url: str) -> None:
    page.goto(web_url)
    ask(page, "What is the capital of Australia?")
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-state", "refused")
    expect(answer).to_have_class(re.compile(r"\brefusal\b"))
    expect(page.locator("#answer-reason")).to_have_text(
        re.compile(r"^Why: (No passage|The passages found) ")  # the response's refusal_detail
    )
    expect(answer.get_by_role("heading")).to_have_text("No answer in the documents")
    expect(page.locator("#answer-body")).to_have_text(REFUSAL)
    expect(page.get_by_role("alert")).to_have_count(0)  # hidden alerts are not in the tree
    expect(page.locator("#citations-section")).to_be_hidden()


def test_keyboard_only_ask_open_and_close(page: Page, web_url: str) -> None:
    page.goto(web_url)
    page.keyboard.press("Tab")
    expect(page.get_by_label("API key")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Question")).to_be_focused()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    marker = page.locator("#answer button.marker").first
    for _ in range(4):
        page.keyboard.press("Tab")
        if marker.evaluate("el => el === document.activeElement"):
            break
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator("#viewer-highlight")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(marker).to_be_focused()


def test_phone_width_has_no_sideways_scroll(page: Page, web_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(web_url)
    expect(page.locator("#documents > li")).to_have_count(5)
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#answer button.marker").first.click()
    mark = page.locator("#viewer-highlight")
    expect(mark).to_be_in_viewport()
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_api_key_is_kept_for_the_tab_and_sent_as_bearer(page: Page, web_url: str) -> None:
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/v1/" in r.url else None)
    page.goto(web_url)
    page.get_by_label("API key").fill("s3cret key")
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    query = [r for r in sent if r.url.endswith("/v1/query")]
    assert query and query[-1].headers["authorization"] == "Bearer s3cret key"
    page.reload()
    expect(page.get_by_label("API key")).to_have_value("s3cret key")
    expect(page.locator("#documents > li")).to_have_count(5)
    assert sent[-1].url.endswith("/v1/documents?limit=100")
    assert sent[-1].headers["authorization"] == "Bearer s3cret key"
