"""Helpers shared by the test modules; fixtures live in the conftest.py files.

One module, so that no test file imports another (or a conftest).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from starlette.testclient import TestClient

from citedqa.components import make_embedder, open_store
from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def wait_until(condition: Callable[[], object], timeout: float = 10.0, every: float = 0.01) -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- settings, apps and stores -------------------------------------------------------------


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for an isolated store under `data_dir`, ignoring any .env file."""
    return Settings(_env_file=None, data_dir=data_dir, **overrides)  # type: ignore[call-arg]


def settings_like(base: Settings, **overrides: object) -> Settings:
    """`base` with `overrides`, validated like the environment would be."""
    return Settings(_env_file=None, **(base.model_dump() | overrides))  # type: ignore[call-arg]


@contextmanager
def client_for(
    settings: Settings, client: tuple[str, int] = ("203.0.113.7", 50000)
) -> Iterator[TestClient]:
    """A started app for `settings`, called in-process from the address `client`."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, client=client) as test_client:
        yield test_client


@contextmanager
def served(settings: Settings) -> Iterator[httpx.Client]:
    """A client of the real app with these settings, served over HTTP by uvicorn."""
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


@contextmanager
def running_service(env: dict[str, str], log: Path, timeout: float = 180) -> Iterator[str]:
    """`python -m service` in its own process with `env` added (its output in `log`):
    its base URL once `/health` answers 200; stopped on exit."""
    port = env.get("CITEDQA_PORT") or str(free_port())
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service"],
            cwd=ROOT,
            env={**os.environ, **env, "CITEDQA_PORT": port},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def store_state(settings: Settings) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """The store's chunk ids, and each document's chunk ids in its manifest record."""
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    return store.stored_chunk_ids(), {d: e.chunk_ids for d, e in store.manifest().items()}


def check_citations(api: httpx.Client, body: dict[str, Any]) -> None:
    """Every citation's quote is verbatim at its offsets; markers match citations."""
    for n, citation in enumerate(body["citations"], start=1):
        doc = api.get(f"/v1/documents/{citation['doc_id']}").json()
        assert doc["text"][citation["start"] : citation["end"]] == citation["quote"]
        assert citation["quote"] and citation["title"] == doc["title"]
        assert citation["chunk_id"].startswith(f"{citation['doc_id']}:{doc['content_hash'][:12]}:")
        assert f"[{n}]" in body["answer"]


# --- the browser tests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """An app over its own empty store: its URL and an HTTP client for checking."""

    url: str
    client: httpx.Client


def ask(page: Page, question: str) -> None:
    """Type a question into the page and press Ask."""
    page.get_by_label("Question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()


# --- small real files for format tests: an HTML page with furniture, a two-page PDF --------

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<title>Harbour reopens after storm | Coastal Times</title>
<meta name="author" content="Jane Doe">
<meta property="og:site_name" content="Coastal Times">
<meta property="article:published_time" content="2024-03-05">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<article>
<h1>Harbour reopens after storm</h1>
<p>The harbour of Port Elmsby reopened on Tuesday after a storm closed it for nine days.</p>
<p>Harbour master Tom Reyes said that forty fishing boats had returned to their moorings.</p>
<p>Repairs to the northern breakwater will cost about 2 million euros, the council said.</p>
<p>The ferry to Lindholm island will resume its daily crossings next Monday.</p>
</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Storm warning issued</a></li></ul></aside>
<div class="comments"><h3>Leave a reply</h3><form>Please enter your comment!</form></div>
<footer>Subscribe to our newsletter. Copyright 2024 Coastal Times. All rights reserved.</footer>
</body></html>
"""


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text a page."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 40 720 Td ({escaped}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
