"""Take the README screenshots of the web page: `uv run python docs/screenshot.py`.

Ingests `seeds/` into a throwaway store, serves the app, asks the Putin/Kim question in
headless Chromium, opens citation [1] and saves `docs/screenshot.png` (desktop) and
`docs/screenshot-phone.png`. Needs Debian's `chromium-headless-shell`.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

from eval.inprocess import serve_corpus

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium-headless-shell"
QUESTION = "Where did Putin and Kim meet?"
SHOTS = {
    "screenshot.png": {"width": 1280, "height": 800},
    "screenshot-phone.png": {"width": 390, "height": 844},
}


def shoot(browser: Browser, url: str, viewport: dict[str, int], path: Path) -> None:
    """Ask, open the first citation, and save a screenshot of the viewport."""
    page = browser.new_page(viewport=viewport, device_scale_factor=1)  # type: ignore[arg-type]
    page.goto(url)
    expect(page.locator("#documents > li")).to_have_count(5)
    page.get_by_label("Question").fill(QUESTION)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#answer")).to_have_attribute("data-state", "answered")
    page.locator("#answer button.marker").first.click()
    expect(page.locator("#viewer-highlight")).to_be_in_viewport()
    page.screenshot(path=path)
    page.close()


def main() -> None:
    """Write both screenshots into docs/."""
    with serve_corpus(ROOT / "seeds") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, viewport in SHOTS.items():
            shoot(browser, url, viewport, ROOT / "docs" / name)
            print(f"wrote docs/{name}")
        browser.close()


if __name__ == "__main__":
    main()
