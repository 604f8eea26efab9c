"""The page and its files are served locally, with a strict CSP, and never build HTML."""

from __future__ import annotations

import re

import httpx

from service.web.page import FILES, STATIC_DIR

HTML_SINKS = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc"
    r"|createContextualFragment|DOMParser"
)


def test_the_page_and_its_files_are_served_with_a_strict_policy(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "require-trusted-types-for 'script'" in csp
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert set(linked) == {"/static/style.css", "/static/app.js", "data:,"}
    for path in ["/static/style.css", "/static/app.js"]:
        assert api.get(path).status_code == 200
    for name in FILES:
        if name.endswith(".js"):
            source = api.get(f"/static/{name}")
            assert source.headers["content-type"].startswith("text/javascript")
            for module in re.findall(r"from '(\./[^']+)'", source.text):
                assert (STATIC_DIR / module).is_file(), f"{name} imports missing {module}"


def test_only_shipped_files_are_served(api: httpx.Client) -> None:
    for path in ["/static/nope.js", "/static/index.html", "/static/..%2Fpage.py", "/static/"]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


def test_nothing_comes_from_elsewhere_and_nothing_is_parsed_as_html() -> None:
    for path in STATIC_DIR.iterdir():
        source = path.read_text()
        assert not re.search(r"https?://|//cdn", source), f"{path.name} refers to another host"
        if path.suffix == ".js":
            assert not HTML_SINKS.search(source), f"{path.name} uses an HTML sink"
