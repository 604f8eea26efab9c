"""Browser tests: Debian's headless Chromium driven by Playwright against the real app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from eval.inprocess import serve_app
from service.app import create_app
from tests.helpers import Served, make_settings

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Network failures the tests provoke on purpose are logged by Chromium as console errors.
EXPECTED_CONSOLE = ("Failed to load resource",)

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's chromium-headless-shell (Playwright's own download is not reachable)."""
    if not CHROMIUM.exists():
        install = "apt-get install -y chromium-headless-shell"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: `.ci/run` should have run `{install}`")
        pytest.skip(f"no headless Chromium at {CHROMIUM}; `{install}` to run the browser tests")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test if it throws or logs an unexpected console error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}")
            if msg.type == "error" and not msg.text.startswith(EXPECTED_CONSOLE)
            else None
        ),
    )
    yield page
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture(scope="session")
def web_url(api: httpx.Client) -> str:
    """The page of the app serving the seeded store (shared, never written to)."""
    return str(api.base_url).rstrip("/")


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Served]:
    """An app over a fresh, empty store, for tests that upload and delete."""
    settings = make_settings(tmp_path / "data")
    with (
        serve_app(create_app(settings)) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        yield Served(url, client)
