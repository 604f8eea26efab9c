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
from starlette.routing import BaseRoute, Route
from starlette.testclient import TestClient

from citedqa.components import make_embedder, open_store
from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Endpoint:
    """One route as the app serves it: its full path (with the include prefixes)."""

    path: str
    methods: set[str]


def all_routes(routes: list[BaseRoute] | list[Any]) -> list[Endpoint]:
    """Every endpoint, including those of included routers (FastAPI keeps them nested, and
    includes some routers twice under different prefixes)."""
    out: list[Endpoint] = []
    for route in routes:
        if isinstance(route, Route):
            out.append(Endpoint(route.path, set(route.methods or ())))
        elif (candidates := getattr(route, "effective_candidates", None)) is not None:
            out += all_routes(candidates())  # an included router's routes, prefixed
        elif hasattr(route, "path_format") and hasattr(route, "methods"):
            out.append(Endpoint(route.path, set(route.methods or ())))
    return out


def wait_until(condition: Callable[[], object], timeout: float = 10.0, every: float = 0.01) -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition}")
        time.sleep(every)


def wait_for_service(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until `python -m service` (`proc`, logging to `log`) answers /health with 200;
    fail with its log when it exits or is not up within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"the service did not start: {log.read_text()}"
        time.sleep(0.5)


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
            wait_for_service(url, proc, log, timeout)
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


def slow_html(attributes: int = 20_000) -> bytes:
    """A page trafilatura takes seconds over: one element with this many attributes.

    40,000 attributes (430 KB) took 61-90 s to parse; 20,000 take about 5 s (issue 16).
    """
    names = " ".join(f'a{i}="v{i}"' for i in range(attributes))
    return (
        f"<html><body><article><p {names}>The harbour ferry to Lindholm leaves at nine every "
        "morning from the western pier.</p></article></body></html>"
    ).encode()


# A safety handbook, as people bring them: wrapped paragraphs, a running header and footer.
HANDBOOK_TITLE = "Laboratory safety handbook"
HANDBOOK = [
    "Fire drills are held every three months on the first Monday of the quarter, and every "
    "member of staff must leave the building by the nearest marked exit within four minutes.",
    "In case of a chemical spill, leave the room, close the door behind you and call the "
    "laboratory safety officer on extension 4417 before anyone tries to clean it up.",
    *(
        f"Section {n} of the handbook covers the {topic} rules, which every new member of "
        "staff reads during the first week and signs to confirm that they understood them."
        for n, topic in enumerate(
            [
                "badge",
                "visitor",
                "storage",
                "waste",
                "electrical",
                "glassware",
                "ventilation",
                "first aid",
                "night work",
                "cold room",
                "radiation",
                "biosafety",
                "shipping",
                "noise",
                "ladder",
                "freezer",
                "gas cylinder",
                "eye wash",
            ],
            start=1,
        )
    ),
    # Long words, so that some line ends in a hyphenated one.
    "Decontamination documentation, instrumentation recalibration, ventilation "
    "troubleshooting, refrigeration maintenance, sterilisation verification, "
    "centrifugation supervision and chromatography qualification are the responsibilities "
    "of the laboratory coordinators.",
]


def handbook_pdf(columns: int = 1) -> bytes:
    """The handbook typeset by reportlab (bench/pdf_extractors.py), two pages or more."""
    from bench.pdf_extractors import Layout, typeset

    layout = Layout(
        columns=columns, header="Northfield Labs · Safety", footer="Page {page} of {pages}"
    )
    return typeset(HANDBOOK_TITLE, HANDBOOK, layout)


# Office files written by the libraries citedqa reads them with (no binary fixtures).
FERRY = [
    "The Lindholm ferry leaves the harbour at seven every morning from April to October.",
    "In winter the crossing runs twice a week, on Tuesdays and Fridays, weather permitting.",
]


def make_docx(author: str = "Jane Doe", title: str = "") -> bytes:
    """A Word file: a heading, two paragraphs, a table; core properties set."""
    import datetime as dt
    import io

    import docx

    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.title = title
    document.core_properties.created = dt.datetime(2024, 3, 5, 9, 0)
    document.add_heading("Ferry timetable", level=1)
    for paragraph in FERRY:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Route", "Fare"), ("Lindholm", "12 euros")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pptx() -> bytes:
    """A deck of two slides, a title and a bulleted body each."""
    import io

    import pptx

    deck = pptx.Presentation()
    deck.core_properties.author = "Tom Reyes"
    for title, body in [("Ferry timetable", FERRY[0]), ("Winter service", FERRY[1])]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = body
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_odt() -> bytes:
    """An OpenDocument text: metadata, a heading and the paragraphs."""
    import io

    from odf import dc, meta, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Ferry timetable"))
    document.meta.addElement(meta.InitialCreator(text="Ann Berg"))
    document.meta.addElement(meta.CreationDate(text="2024-03-05T09:00:00"))
    document.text.addElement(text.H(outlinelevel=1, text="Ferry timetable"))
    for paragraph in FERRY:
        document.text.addElement(text.P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    """A workbook of one sheet: a header row and two rows of fares."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Fares"
    for row in [("Route", "Fare"), ("Lindholm", "12 euros"), ("Brannock", "9 euros")]:
        sheet.append(row)
    book.properties.title = "Ferry fares"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scanned_pdf(title: str, paragraphs: list[str], text_first: bytes | None = None) -> bytes:
    """A PDF whose pages are only pictures of typeset text (a scan: no text layer).

    With `text_first`, that PDF's pages come first: a file with some pages scanned.
    """
    import io

    import pypdfium2

    from bench.pdf_extractors import Layout, typeset

    typeset_pdf = pypdfium2.PdfDocument(typeset(title, paragraphs, Layout(footer="")))
    images = [page.render(scale=200 / 72, grayscale=True).to_pil() for page in typeset_pdf]
    scan = io.BytesIO()
    images[0].save(scan, "PDF", resolution=200, save_all=True, append_images=images[1:])
    if text_first is None:
        return scan.getvalue()
    merged = pypdfium2.PdfDocument(text_first)
    merged.import_pages(pypdfium2.PdfDocument(scan.getvalue()))
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()
