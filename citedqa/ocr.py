"""OCR of the PDF pages that are only a picture of text (scans), by Debian's tesseract.

A scanned page has an image and no text layer: without OCR it is silently empty. With
`CITEDQA_OCR=auto` (the default) such pages are rendered (PDFium, 300 dpi) and read by
tesseract through pytesseract (the `ocr` extra), about 5 s a page on one core; the lines it
returns are joined into paragraphs like a text layer's (citedqa/layout.py). With OCR off, or
tesseract or pytesseract missing, the pages stay unread and the reason is reported: a file
with no text at all is refused (EmptyDocumentError), one with some unread pages is indexed and
its unread pages listed in the ingest summary.

`read_scans` is a step of its own after extraction so that a caller can run it where it likes;
`citedqa.documents.parse_document` runs it (in the parse worker, under its time limit).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from dataclasses import dataclass
from typing import Literal

from citedqa.formats import PAGE_BREAK, Extracted
from citedqa.layout import join_text_blocks
from citedqa.pdf import PDFIUM_LOCK
from citedqa.settings import Settings

DPI = 300


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """Whether to OCR (`auto`: when it can) and in which tesseract languages; picklable."""

    mode: Literal["auto", "off"] = "off"
    languages: str = "eng"


OCR_OFF = OcrOptions()


def unavailable(options: OcrOptions) -> str | None:
    """Why OCR cannot run with `options` on this machine, or None when it can."""
    if options.mode == "off":
        return "OCR is off (CITEDQA_OCR=off)"
    if shutil.which("tesseract") is None:
        return "OCR is unavailable: tesseract is not installed (apt-get install tesseract-ocr)"
    if importlib.util.find_spec("pytesseract") is None:
        return "OCR is unavailable: pytesseract is not installed (the `ocr` extra)"
    return None


def read_scans(extracted: Extracted, raw: bytes, options: OcrOptions) -> Extracted:
    """`extracted` with its image-only pages read by OCR when OCR can run; else unchanged."""
    if not extracted.image_only or extracted.pages is None or unavailable(options):
        return extracted
    pages = list(extracted.pages)
    for number, text in recognise(raw, extracted.image_only, options.languages).items():
        pages[number - 1] = text
    unread = tuple(n for n in extracted.image_only if not pages[n - 1].strip())
    return dataclasses.replace(
        extracted, text=PAGE_BREAK.join(pages), pages=pages, image_only=unread
    )


def recognise(raw: bytes, numbers: tuple[int, ...], languages: str) -> dict[int, str]:
    """The OCR text of the given (1-based) pages of a PDF, paragraphs a line each."""
    import pypdfium2
    import pytesseract

    found = {}
    for number in numbers:
        with PDFIUM_LOCK:  # rendering only: tesseract runs while others use PDFium
            pdf = pypdfium2.PdfDocument(raw)
            try:
                image = pdf[number - 1].render(scale=DPI / 72, grayscale=True).to_pil()
            finally:
                pdf.close()
        found[number] = join_text_blocks(pytesseract.image_to_string(image, lang=languages))
    return found


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR options of `settings` (`CITEDQA_OCR`, `CITEDQA_OCR_LANGUAGES`)."""
    return OcrOptions(settings.ocr, settings.ocr_languages)
