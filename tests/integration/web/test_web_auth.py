"""With API keys set, the page is public, asks for a key, and sends it on every call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from eval.inprocess import serve_app
from service.app import create_app
from tests.helpers import Served, ask, make_settings

USER, ADMIN = "user-key-1", "admin-key-2"
NOTES = b"# Ferry notes\n\nThe Lindholm ferry carries 120 cars on every crossing.\n"


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[Served]:
    """An app over an empty store that needs USER to read and ADMIN to write."""
    settings = make_settings(tmp_path / "data", api_key=USER, admin_api_key=ADMIN)
    with (
        serve_app(create_app(settings)) as url,
        httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": ADMIN}) as client,
    ):
        yield Served(url, client)


def use_key(page: Page, key: str) -> None:
    field = page.get_by_label("API key")
    field.fill(key)
    field.press("Enter")


def upload_notes(page: Page) -> None:
    page.get_by_label(re.compile("^Add files")).set_input_files(
        [{"name": "notes.md", "mimeType": "text/markdown", "buffer": NOTES}]
    )
    page.get_by_role("button", name="Upload").click()


def test_keys_are_asked_for_and_honoured(page: Page, keyed: Served) -> None:
    page.goto(keyed.url)
    listing = page.locator("#documents-error")
    expect(listing).to_contain_text("Cannot list the documents. The service needs a valid API key")
    expect(page.get_by_label("API key")).to_be_focused()

    use_key(page, USER)
    expect(listing).to_be_hidden()
    expect(page.locator("#documents > li")).to_have_text(["No documents yet."])
    upload_notes(page)
    expect(page.get_by_role("alert")).to_contain_text("Upload failed. The API key may not do this")

    use_key(page, ADMIN)
    upload_notes(page)
    expect(page.locator("#documents-status")).to_contain_text("Uploaded: notes (added")
    ask(page, "How many cars does the Lindholm ferry carry?")
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    page.locator("#answer button.marker").first.click()
    expect(page.locator("#viewer-status")).to_have_text(re.compile("^Quote verified"))
    page.get_by_role("button", name="Close").click()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator("#documents-status")).to_contain_text("Deleted notes")
    assert keyed.client.get("/v1/documents/notes").status_code == 404

    use_key(page, "not-the-key")
    ask(page, "How many cars does the Lindholm ferry carry?")
    expect(page.locator("#ask-error")).to_contain_text("No answer. The service needs a valid API")
