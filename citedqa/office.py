"""Word (.docx), PowerPoint (.pptx), OpenDocument text (.odt) and Excel (.xlsx) to text.

What is kept is what the document pipelines (unstructured, docling, Tika) keep: the body in
reading order, headings as lines of their own, tables a row a line with cells separated by
" | ", each slide (or sheet) a page so that citations carry its number; title, author and
created date from the file's properties (placeholders dropped, citedqa/metadata.py), the
first heading standing in for a missing title. Dropped: page headers and footers, footnotes,
comments, speaker notes, text boxes floating outside the body, images, formulas (a sheet's
cached values are read instead).

These formats are zip files: before any parser sees one, its declared sizes are checked
(`check_zip`), so a small upload that inflates to gigabytes is refused.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from citedqa.errors import InvalidInputError
from citedqa.metadata import iso_date, real

MAX_UNZIPPED = 200 * 1024 * 1024  # bytes a file may expand to
MAX_RATIO = 200  # uncompressed / compressed, for any member over a megabyte
MAX_CELLS = 200_000  # of a workbook: beyond, the rest is left out
CELL_SEP = " | "


@dataclass(frozen=True, slots=True)
class OfficeText:
    """Pages (one for a text document; a slide or sheet each otherwise) and metadata."""

    pages: list[str]
    metadata: dict[str, str] = field(default_factory=dict)


def check_zip(raw: bytes) -> None:
    """InvalidInputError unless `raw` is a zip whose members inflate to a sane size."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise InvalidInputError("not an Office file (not a zip archive)") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED:
        raise InvalidInputError(f"expands to {total:,} bytes, over {MAX_UNZIPPED:,}")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise InvalidInputError(f"{m.filename} is compressed {MAX_RATIO}+ times (zip bomb?)")


def read_office(raw: bytes, suffix: str) -> OfficeText:
    """The text of an Office file by its suffix (.docx, .pptx, .odt, .xlsx)."""
    check_zip(raw)
    reader = {".docx": _docx, ".pptx": _pptx, ".odt": _odt, ".xlsx": _xlsx}[suffix]
    return reader(io.BytesIO(raw))


def _properties(
    title: str | None, author: str | None, created: datetime | str | None, heading: str = ""
) -> dict[str, str]:
    """Title (or the first heading), author and created date, placeholders left out."""
    found = {"title": real(title) or heading, "author": real(author), "date": iso_date(created)}
    return {key: value for key, value in found.items() if value}


def _row(cells: Iterable[str]) -> str:
    """A table row as a line; a merged cell (repeated by the readers) counted once."""
    kept: list[str] = []
    for cell in cells:
        text = " ".join(cell.split())
        if text and (not kept or kept[-1] != text):
            kept.append(text)
    return CELL_SEP.join(kept)


def _docx(data: io.BytesIO) -> OfficeText:
    import docx
    from docx.table import Table

    document = docx.Document(data)
    lines: list[str] = []
    heading = ""
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_row(c.text for c in row.cells) for row in block.rows)
            continue
        text = block.text.strip()
        style = block.style.name if block.style is not None else ""
        if text and not heading and (style or "").startswith(("Heading", "Title")):
            heading = text
        lines.append(text)
    props = document.core_properties
    return OfficeText(
        ["\n".join(lines)], _properties(props.title, props.author, props.created, heading)
    )


def _pptx(data: io.BytesIO) -> OfficeText:
    import pptx

    deck = pptx.Presentation(data)
    pages = []
    for slide in deck.slides:
        title = slide.shapes.title
        shapes = sorted(slide.shapes, key=lambda s: (s is not title, s.top or 0, s.left or 0))
        pages.append("\n".join(_shape_lines(shapes)))
    heading = next((line for page in pages for line in page.split("\n") if line.strip()), "")
    props = deck.core_properties
    return OfficeText(pages, _properties(props.title, props.author, props.created, heading))


def _shape_lines(shapes: Iterable[Any]) -> Iterator[str]:
    """Text of slide shapes in order: a paragraph a line, a table row a line, groups opened."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shape_lines(shape.shapes)
        elif shape.has_text_frame:
            yield from (p.text for p in shape.text_frame.paragraphs)
            yield ""
        elif shape.has_table:
            yield from (_row(c.text for c in row.cells) for row in shape.table.rows)


def _odt(data: io.BytesIO) -> OfficeText:
    from odf.opendocument import load

    document = load(data)
    lines = list(_odf_lines(document.text))
    heading = next((text for kind, text in lines if kind == "h" and text), "")
    meta: dict[str, str] = {}
    for node in document.meta.childNodes:
        meta.setdefault(node.qname[1], str(node))
    props = _properties(
        meta.get("title"),
        meta.get("initial-creator") or meta.get("creator"),
        meta.get("creation-date") or meta.get("date"),
        heading,
    )
    return OfficeText(["\n".join(text for _, text in lines)], props)


def _odf_lines(element: Any) -> Iterator[tuple[str, str]]:
    """(kind, text) of an ODF body's headings, paragraphs and table rows, in order."""
    from odf import teletype

    for node in element.childNodes:
        name = node.qname[1] if node.qname else ""
        if name in ("h", "p"):
            yield name, teletype.extractText(node).strip()
        elif name == "table-row":
            yield "row", _row(teletype.extractText(cell) for cell in node.childNodes)
        elif name in ("list", "list-item", "section", "table", "table-rows", "table-header-rows"):
            yield from _odf_lines(node)


def _xlsx(data: io.BytesIO) -> OfficeText:
    import openpyxl

    book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    pages = []
    budget = MAX_CELLS
    try:
        for sheet in book.worksheets:
            lines = [sheet.title]
            for row in sheet.iter_rows(values_only=True):
                budget -= len(row)
                if budget < 0:
                    break
                lines.append(_row("" if v is None else str(v) for v in row))
            pages.append("\n".join(lines))
    finally:
        book.close()
    props = book.properties
    return OfficeText(pages, _properties(props.title, props.creator, props.created))
