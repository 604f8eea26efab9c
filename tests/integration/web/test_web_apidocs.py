"""`/docs` and `/redoc` render in a browser with no network beyond the service itself."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

LOCAL = {"127.0.0.1", "localhost"}
# ReDoc's standalone script asks for its "API docs by Redocly" badge image.
REDOC_BADGE = "cdn.redoc.ly"


@pytest.fixture
def outside(context: BrowserContext) -> Iterator[list[str]]:
    """Every request for another host, refused as an offline machine would."""
    asked: list[str] = []

    def offline(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            asked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    yield asked
    context.unroute("**/*")


def test_swagger_ui_lists_the_operations_offline(
    page: Page, web_url: str, outside: list[str]
) -> None:
    page.goto(f"{web_url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/query")).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/v1/documents/{doc_id}").first
    ).to_be_visible()
    assert page.locator(".opblock").count() >= 8
    assert outside == []


def test_redoc_renders_offline(page: Page, web_url: str, outside: list[str]) -> None:
    page.goto(f"{web_url}/redoc")
    expect(page.get_by_role("heading", name="citedqa")).to_be_visible()
    expect(page.get_by_text("/v1/query").first).to_be_attached()
    assert all(REDOC_BADGE in url for url in outside), outside
