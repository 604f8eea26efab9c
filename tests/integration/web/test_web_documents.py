"""The documents panel on a fresh store: upload, list, ask, check the quote, delete."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, Route, expect

from tests.helpers import ARTICLE_HTML, Served, ask

HOSTILE_TITLE = '<img src=x onerror="window.__xss = 1"> Ferry notes 🚢 & <b>more</b>'
FERRY = (
    f"{HOSTILE_TITLE}\n\n"
    "🌊🌊 Weather 🌦️ on the sound was calm, said the “harbour office”. 😀\n\n"
    "The Lindholm ferry 🚢 carries 120 cars on every crossing.\n"
)
QUESTION = "How many cars does the Lindholm ferry carry?"


def upload(page: Page) -> None:
    page.get_by_label(re.compile("^Add files")).set_input_files(
        [
            {"name": "ferry.txt", "mimeType": "text/plain", "buffer": FERRY.encode()},
            {"name": "harbour.html", "mimeType": "text/html", "buffer": ARTICLE_HTML.encode()},
        ]
    )
    page.get_by_role("button", name="Upload").click()


def test_upload_ask_check_the_quote_and_delete(page: Page, fresh: Served) -> None:
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/v1/" in r.url else None)
    page.goto(fresh.url)
    items = page.locator("#documents > li")
    expect(items).to_have_text(["No documents yet."])
    page.get_by_label("API key").fill("k-123")

    upload(page)
    expect(page.locator("#documents-status")).to_contain_text("Uploaded: ferry (added")
    expect(items).to_have_count(2)
    ferry = items.filter(has_text="Ferry notes")
    expect(ferry.locator(".doc-title")).to_have_text(HOSTILE_TITLE)
    expect(ferry.locator(".meta")).to_contain_text(re.compile(r"\d+ chunks? · ferry$"))
    expect(items.filter(has_text="Harbour reopens")).to_contain_text("Coastal Times")
    assert page.locator("#documents img, #documents b").count() == 0
    assert page.evaluate("window.__xss") is None

    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    cited = fresh.client.post("/v1/query", json={"question": QUESTION}).json()["citations"][0]
    assert cited["doc_id"] == "ferry" and "🚢" in cited["quote"]
    expect(page.locator("#citations cite").first).to_have_text(HOSTILE_TITLE)
    page.locator("#answer button.marker").first.click()
    mark = page.get_by_role("dialog").locator("mark")
    expect(mark).to_be_visible()
    assert mark.text_content() == cited["quote"]
    expect(page.locator("#viewer-status")).to_have_text(re.compile("^Quote verified"))
    page.get_by_role("button", name="Close").click()
    assert page.evaluate("window.__xss") is None

    page.once("dialog", lambda dialog: dialog.accept())
    ferry.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator("#documents-status")).to_contain_text("Deleted ferry (")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Harbour reopens")
    expect(page.get_by_role("heading", name="Documents")).to_be_focused()
    assert fresh.client.get("/v1/documents/ferry").status_code == 404
    delete = [r for r in sent if r.method == "DELETE"]
    assert [r.url for r in delete] == [f"{fresh.url}/v1/documents/ferry"]
    assert delete[0].headers["authorization"] == "Bearer k-123"


def test_cancelled_delete_keeps_the_document(page: Page, fresh: Served) -> None:
    page.goto(fresh.url)
    upload(page)
    items = page.locator("#documents > li")
    expect(items).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.dismiss())
    items.first.get_by_role("button", name=re.compile("^Delete")).click()
    expect(items).to_have_count(2)
    assert len(fresh.client.get("/v1/documents").json()["documents"]) == 2


def test_a_bad_upload_is_a_clear_message(page: Page, fresh: Served) -> None:
    page.goto(fresh.url)
    page.get_by_label(re.compile("^Add files")).set_input_files(
        [{"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n"}]
    )
    page.get_by_role("button", name="Upload").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Upload failed. The request was refused (415")
    expect(alert).to_contain_text("unsupported file type")


def test_the_seeded_collection_is_listed_with_duplicates(page: Page, web_url: str) -> None:
    page.goto(web_url)
    items = page.locator("#documents > li")
    expect(items).to_have_count(5)
    duplicate = items.filter(has_text="003_13bda4f2a4d9edd0")
    expect(duplicate).to_contain_text("Biobiochile")
    expect(duplicate.locator(".dup")).to_have_text(re.compile("^Near-duplicate of “Russia assured"))
    expect(items.locator(".dup")).to_have_count(1)


def test_load_more_follows_the_cursor(page: Page, web_url: str) -> None:
    def pages(route: Route) -> None:
        last = "cursor=" in route.request.url
        doc = {"doc_id": "b" if last else "a", "title": "Second" if last else "First", "chunks": 1}
        body = {"documents": [doc], "next_cursor": None if last else "YQ"}
        route.fulfill(json=body)

    page.route("**/v1/documents?*", pages)
    page.goto(web_url)
    items = page.locator("#documents > li .doc-title")
    expect(items).to_have_text(["First"])
    page.get_by_role("button", name="Load more").click()
    expect(items).to_have_text(["First", "Second"])
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
