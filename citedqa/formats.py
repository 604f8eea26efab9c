"""Raw file bytes to plain text and metadata, per format (txt, md, html, pdf)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from citedqa.errors import InvalidInputError, UnsupportedTypeError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
PAGE_BREAK = "\n\n"
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Extracted:
    """Text as the format yields it, with metadata; `pages` are the text of each PDF page."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    pages: list[str] | None = None


def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM stripped) with newlines normalised to \\n; refuses binary and bad bytes."""
    if b"\x00" in raw:
        raise InvalidInputError("looks binary (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"not valid UTF-8 (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def extract(suffix: str, raw: bytes) -> Extracted:
    """Plain text and metadata of a file's bytes, by its suffix."""
    suffix = suffix.lower()
    if suffix in (".pdf", ".html", ".htm"):
        parse = _pdf if suffix == ".pdf" else _html
        try:
            return parse(raw)
        except InvalidInputError:
            raise
        except Exception as exc:
            # A parser of untrusted bytes fails in ways no list foresees (pypdf: unknown stream
            # filters, decompression limits, AttributeError/AssertionError on fuzzed files):
            # whatever it raises, this file is unreadable and the others are not.
            kind = "PDF" if suffix == ".pdf" else "HTML"
            raise InvalidInputError(f"unreadable {kind} ({type(exc).__name__})") from None
    if suffix in (".md", ".markdown"):
        return _markdown(decode_text(raw))
    if suffix == ".txt":
        return Extracted(decode_text(raw))
    allowed = ", ".join(SUPPORTED_SUFFIXES)
    raise UnsupportedTypeError(
        f"unsupported file type {suffix or '(none)'!r} (supported: {allowed})"
    )


def _markdown(text: str) -> Extracted:
    """Markdown is kept as written; simple `key: value` front matter becomes metadata."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return Extracted(text)
    metadata = {}
    for line in match.group("body").split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in {"title", "author", "date", "source", "outlet"}:
            name = "outlet" if key.strip().lower() == "source" else key.strip().lower()
            metadata[name] = value.strip().strip("'\"")
    return Extracted(text[match.end() :], metadata)


def _html(raw: bytes) -> Extracted:
    """Main text and metadata by trafilatura (boilerplate, menus and comments left out)."""
    import trafilatura
    from trafilatura.settings import Document

    html = decode_text(raw)
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True, favor_precision=True
    )
    if not isinstance(doc, Document) or not doc.text or not doc.text.strip():
        raise InvalidInputError("no article text found in the HTML page")
    text = doc.text
    metadata = {
        key: str(value)
        for key, value in (
            ("title", doc.title),
            ("author", doc.author),
            ("date", doc.date),
            ("outlet", doc.sitename),
        )
        if value
    }
    return Extracted(text, metadata)


def _pdf(raw: bytes) -> Extracted:
    """Text of each page by pypdf; the document text joins pages with a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [
            (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n")
            for page in reader.pages
        ]
        info: Mapping[str, Any] = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInputError(f"unreadable PDF ({exc})") from None
    metadata = {
        key: str(value)
        for key, value in (("title", info.get("/Title")), ("author", info.get("/Author")))
        if value
    }
    return Extracted(PAGE_BREAK.join(pages), metadata, pages)
