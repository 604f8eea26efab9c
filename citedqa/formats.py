"""Raw file bytes to plain text and metadata, per format (txt, md, html, pdf, Office files)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from citedqa.errors import InvalidInputError, UnsupportedTypeError
from citedqa.metadata import known

OFFICE_SUFFIXES = (".docx", ".pptx", ".odt", ".xlsx")
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", *OFFICE_SUFFIXES)
PAGE_BREAK = "\n\n"
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Extracted:
    """Text as the format yields it, with metadata.

    `pages` are the text of each PDF page (or slide, or sheet); `image_only` the numbers of
    the PDF pages that hold an image but no text (scans, for OCR).
    """

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    pages: list[str] | None = None
    image_only: tuple[int, ...] = ()


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
    if (parse := _PARSERS.get(suffix)) is not None:
        try:
            return parse(raw)
        except InvalidInputError:
            raise
        except Exception as exc:
            # A parser of untrusted bytes fails in ways no list foresees (unknown stream
            # filters, broken zips, AttributeError/AssertionError on fuzzed files): whatever
            # it raises, this file is unreadable and the others are not.
            kind = "HTML" if suffix == ".htm" else suffix.lstrip(".").upper()
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
    """Each page's text as a reader sees it (citedqa/pdf.py); pages joined by a blank line."""
    from citedqa.pdf import read_pdf

    read = read_pdf(raw)
    return Extracted(PAGE_BREAK.join(read.pages), known(read.metadata), read.pages, read.image_only)


def _office(raw: bytes, suffix: str) -> Extracted:
    from citedqa.office import read_office

    read = read_office(raw, suffix)
    pages = read.pages if len(read.pages) > 1 else None
    return Extracted(PAGE_BREAK.join(read.pages), known(read.metadata), pages)


_PARSERS: dict[str, Callable[[bytes], Extracted]] = {
    ".pdf": _pdf,
    ".html": _html,
    ".htm": _html,
    **{suffix: partial(_office, suffix=suffix) for suffix in OFFICE_SUFFIXES},
}
