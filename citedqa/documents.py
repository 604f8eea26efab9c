"""Files to `Document`s: extraction, cleaning, canonical text, ids, titles and metadata."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from citedqa.cleaning import byline_metadata, remove_boilerplate
from citedqa.errors import EmptyDocumentError, InvalidInputError, NoTextLayerError, TooLargeError
from citedqa.formats import PAGE_BREAK, SUPPORTED_SUFFIXES, Extracted, decode_text, extract
from citedqa.models import Document
from citedqa.ocr import OCR_OFF, OcrOptions, read_scans, unavailable

__all__ = [
    "SUPPORTED_SUFFIXES",
    "canonical_text",
    "check_doc_id",
    "doc_id_for",
    "doc_id_part",
    "load_document",
    "parse_document",
]

_BLANK_RUNS = re.compile(r"\n{3,}")
_SAFE_ID = re.compile(r"^[\w.,()+-]+(/[\w.,()+-]+)*$")
# An ATX heading's markers: `# Title`, `## Title ##` (the closing run is optional).
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)(?:\s+#+)?\s*$")
_MARKDOWN = (".md", ".markdown")
# A document whose first line is 10 MB would otherwise copy it into every chunk's metadata.
MAX_FIELD_CHARS = 1000


def tidy(text: str) -> str:
    """Trailing spaces off each line, runs of blank lines cut to one, no blank ends."""
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def canonical_text(raw: bytes) -> str:
    """The canonical text of a plain-text file's bytes (decoded, cleaned, tidied)."""
    return tidy(remove_boilerplate(decode_text(raw)))


def title_of(text: str, markdown: bool = False) -> str:
    """The first non-empty line, stripped (and clipped: see `clip`).

    In Markdown that line is usually a heading: its `#` markers are syntax, not title, and
    would show in every citation and document list.
    """
    line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    heading = _HEADING.match(line) if markdown else None
    return clip(heading.group("title") if heading and heading.group("title") else line)


def clip(value: str, limit: int = MAX_FIELD_CHARS) -> str:
    """`value`, cut to `limit` characters at a space when there is one, marked with `…`."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


def doc_id_for(path: Path, root: Path) -> str:
    """Path relative to the ingest root, without extension, with / separators (each part as
    `doc_id_part` makes it)."""
    return "/".join(doc_id_part(p) for p in path.relative_to(root).with_suffix("").parts)


def doc_id_part(name: str) -> str:
    """A file or folder name as a doc_id part: its spaces as `_` ("annual report 2024" ->
    "annual_report_2024"). Names with spaces are common, and a space in an id would have to
    be escaped in every URL and citation."""
    return _SPACES.sub("_", name.strip())


_SPACES = re.compile(r"\s+")


def check_doc_id(doc_id: str) -> str:
    """A doc_id usable in URLs and ids: letters, digits, `._,()+-`, `/` between parts.

    `.` and `..` parts are refused too: browsers and proxies resolve them as path steps
    (`/v1/documents/.` is `/v1/documents/`), so such a document could never be fetched.
    """
    if not doc_id or len(doc_id) > 200:
        reason = "it must have 1 to 200 characters"
    elif any(part in (".", "..") for part in doc_id.split("/")):
        reason = "'.' and '..' are path steps in a URL, not names"
    elif not _SAFE_ID.match(doc_id):
        reason = "use letters, digits and ._,()+- (with / between folders)"
    else:
        return doc_id
    raise InvalidInputError(f"unusable document name {doc_id!r}: {reason}")


def load_document(
    path: Path,
    root: Path,
    max_bytes: int | None = None,
    parse: Callable[[str, str, bytes], Document] | None = None,
) -> Document:
    """Read one file into a Document, or raise InvalidInputError saying why not.

    `parse` replaces `parse_document` (ingest passes a `ParserPool`'s, with its time limit).
    """
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise TooLargeError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    return (parse or parse_document)(doc_id_for(path, root), path.suffix, path.read_bytes())


def parse_document(doc_id: str, suffix: str, raw: bytes, ocr: OcrOptions = OCR_OFF) -> Document:
    """Bytes of a supported file into a Document with canonical text and metadata.

    A top-level function of picklable arguments, so that a process pool can run it (OCR of
    scanned pages included, `ocr`) under a time limit.
    """
    check_doc_id(doc_id)
    extracted = read_scans(extract(suffix, raw), raw, ocr)
    return build_document(doc_id, extracted, ocr, markdown=suffix.lower() in _MARKDOWN)


def build_document(
    doc_id: str, extracted: Extracted, ocr: OcrOptions = OCR_OFF, *, markdown: bool = False
) -> Document:
    """The Document of extracted text: cleaned, tidied, paged, titled (a Markdown title
    without its `#`)."""
    pages: tuple[tuple[int, int, int], ...] = ()
    if extracted.pages is None:
        text = tidy(remove_boilerplate(extracted.text))
    else:
        text, pages = _join_pages([tidy(remove_boilerplate(p)) for p in extracted.pages])
    if not text.strip():
        if extracted.image_only:
            count = len(extracted.image_only)
            raise NoTextLayerError(
                f"no text: {count} scanned page{'s' * (count > 1)} without a text layer, "
                f"and {unavailable(ocr) or 'OCR found no text'}"
            )
        raise EmptyDocumentError("empty document (no text after cleaning)")
    metadata = {**byline_metadata(text), **extracted.metadata}
    # Title and metadata ride along with every chunk and citation: keep them short.
    title = clip(metadata.pop("title", "")) or title_of(text, markdown)
    metadata = {key: clip(value) for key, value in metadata.items()}
    return Document(
        doc_id=doc_id,
        text=text,
        title=title,
        metadata=metadata,
        pages=pages,
        unread_pages=extracted.image_only,
    )


def _join_pages(pages: list[str]) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Pages joined by a blank line, with each non-empty page's (start, end, number)."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    offset = 0
    for number, page in enumerate(pages, start=1):
        if not page:
            continue
        if parts:
            offset += len(PAGE_BREAK)
        parts.append(page)
        spans.append((offset, offset + len(page), number))
        offset += len(page)
    return PAGE_BREAK.join(parts), tuple(spans)
