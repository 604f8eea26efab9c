"""The collection picker: readable collections listed, asking and the documents panel in
the chosen one only."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import Served, ask

BRIDGE = "Bridge history\n\nThe Corvo bridge was finished in 1987 and spans the river Tua.\n"
QUESTION = "When was the Corvo bridge finished?"


def test_the_picker_lists_collections_and_scopes_ask_and_documents(
    page: Page, fresh: Served
) -> None:
    api = fresh.client
    assert api.post("/v1/collections", json={"name": "team-b"}).status_code == 201
    files = [("files", ("bridge.txt", BRIDGE.encode(), "text/plain"))]
    assert api.post("/v1/collections/team-b/documents", files=files).status_code == 201

    page.goto(fresh.url)
    picker = page.get_by_label("Collection")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_text(["Default collection", "citedqa", "team-b"])
    items = page.locator("#documents > li")
    expect(items).to_have_text(["No documents yet."])  # the default collection is empty
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "refused")

    picker.select_option("team-b")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Bridge history")
    ask(page, QUESTION)
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    expect(page.locator("#answer-body")).to_contain_text("1987")

    page.reload()  # the choice is kept for the tab
    expect(page.get_by_label("Collection")).to_have_value("team-b")
    expect(items).to_have_count(1)


def test_no_picker_with_one_collection(page: Page, fresh: Served) -> None:
    page.goto(fresh.url)
    expect(page.locator("#documents > li")).to_have_text(["No documents yet."])
    expect(page.locator("#collection-picker")).to_be_hidden()
