"""PDF bytes to page texts and metadata, by PDFium (pypdfium2).

pypdfium2 was chosen over pypdf by measurement (bench/pdf_extractors.py, docs/formats.md):
PDFium places its text runs where the page shows them, ten times faster, and marks the
hyphens it judges to be line-end breaks. `citedqa/layout.py` turns its lines into paragraphs.
Pages with an image but no text (scans) are listed, for OCR (`citedqa/ocr.py`) to read.
"""

from __future__ import annotations

import ctypes
import re
import threading
from dataclasses import dataclass
from typing import Any

from citedqa.layout import Line, PageLines, page_texts
from citedqa.metadata import pdf_date

# PDFium is not thread-safe (pypdfium2's documentation): uploads parsed on the server's
# threads take turns. Processes (a parse worker pool) each have their own PDFium.
PDFIUM_LOCK = threading.Lock()
# Lines on a page merge runs whose gap is under this many times the text height.
_RUN_GAP = 1.2
_SPACES = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True, slots=True)
class PdfText:
    """The text of each page, the file's metadata, and the pages that only hold images."""

    pages: list[str]
    metadata: dict[str, str]
    image_only: tuple[int, ...]  # 1-based page numbers


def read_pdf(raw: bytes) -> PdfText:
    """Page texts as a reader sees them; raises pypdfium2's PdfiumError on a broken file."""
    with PDFIUM_LOCK:
        return _read_pdf(raw)


def _read_pdf(raw: bytes) -> PdfText:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(raw)
    try:
        laid: list[PageLines] = []
        image_only: list[int] = []
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            lines = _lines(page.get_textpage())
            if not lines and _has_image(page):
                image_only.append(number)
            width, height = page.get_size()
            laid.append(PageLines(width, height, lines))
        info = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    metadata = {key: info.get(name, "") for key, name in (("title", "Title"), ("author", "Author"))}
    if date := pdf_date(info.get("CreationDate", "")):
        metadata["date"] = date
    return PdfText(page_texts(laid), metadata, tuple(image_only))


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _lines(textpage: Any) -> list[Line]:
    """PDFium's text rectangles, merged into lines (runs on one baseline, close together)."""
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = _SPACES.sub(" ", textpage.get_text_bounded(left, bottom, right, top)).strip()
        if text:
            size, bold = _font(textpage, left, bottom, right, top)
            runs.append(Line(left, right, bottom, top, text, size, bold))
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        last = lines[-1] if lines else None
        if last is not None and _same_line(last, run):
            lines[-1] = Line(
                last.left,
                max(last.right, run.right),
                min(last.bottom, run.bottom),
                max(last.top, run.top),
                f"{last.text} {run.text}",
                max(last.size, run.size),
                last.bold and run.bold,
            )
        else:
            lines.append(run)
    return lines


def _same_line(a: Line, b: Line) -> bool:
    height = min(a.top - a.bottom, b.top - b.bottom)
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap > 0.5 * height and 0 <= b.left - a.right < _RUN_GAP * max(height, 1.0)


def _font(
    textpage: Any, left: float, bottom: float, right: float, top: float
) -> tuple[float, bool]:
    """Font size and boldness of the character nearest the middle of a rectangle."""
    import pypdfium2.raw as pdfium_c

    x, y = (left + right) / 2, (bottom + top) / 2
    index = textpage.get_index(x, y, (right - left) / 2, (top - bottom) / 2)
    if index is None or index < 0:
        return 0.0, False
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, 128, ctypes.byref(flags))
    weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
    bold = weight >= 600 or b"bold" in name.value.lower()
    return round(size, 1), bold
