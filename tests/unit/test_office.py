"""Office files (issue 19): .docx, .pptx, .odt, .xlsx to text, metadata from the file."""

from __future__ import annotations

import io
import zipfile

import pytest

from citedqa.documents import parse_document
from citedqa.errors import InvalidInputError
from citedqa.formats import SUPPORTED_SUFFIXES
from tests.helpers import FERRY, make_docx, make_odt, make_pptx, make_xlsx


def test_docx_keeps_heading_paragraphs_table_and_properties() -> None:
    doc = parse_document("ferry", ".docx", make_docx())
    assert doc.text.split("\n") == [
        "Ferry timetable",
        *FERRY,
        "Route | Fare",
        "Lindholm | 12 euros",
    ]
    assert doc.title == "Ferry timetable"  # no title property: the first heading
    assert doc.metadata == {"author": "Jane Doe", "date": "2024-03-05"}


def test_docx_placeholder_author_and_title_are_ignored() -> None:
    doc = parse_document("ferry", ".docx", make_docx(author="python-docx", title="Document1"))
    assert doc.title == "Ferry timetable" and "author" not in doc.metadata


def test_pptx_slides_are_pages_in_order() -> None:
    doc = parse_document("deck", ".pptx", make_pptx())
    assert [doc.text[s:e].split("\n")[0] for s, e, _ in doc.pages] == [
        "Ferry timetable",
        "Winter service",
    ]
    assert [n for _, _, n in doc.pages] == [1, 2]
    assert FERRY[1] in doc.text[doc.pages[1][0] : doc.pages[1][1]]
    assert doc.title == "Ferry timetable" and doc.metadata["author"] == "Tom Reyes"


def test_odt_text_and_metadata() -> None:
    doc = parse_document("ferry", ".odt", make_odt())
    assert doc.text.split("\n") == ["Ferry timetable", *FERRY]
    assert (doc.title, doc.metadata) == (
        "Ferry timetable",
        {"author": "Ann Berg", "date": "2024-03-05"},
    )


def test_xlsx_rows_are_lines_under_the_sheet_name() -> None:
    doc = parse_document("fares", ".xlsx", make_xlsx())
    assert doc.text.split("\n") == [
        "Fares",
        "Route | Fare",
        "Lindholm | 12 euros",
        "Brannock | 9 euros",
    ]
    assert doc.title == "Ferry fares"


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".odt", ".xlsx"])
def test_office_files_are_supported_and_broken_ones_unreadable(suffix: str) -> None:
    assert suffix in SUPPORTED_SUFFIXES
    with pytest.raises(InvalidInputError, match="not an Office file"):
        parse_document("broken", suffix, b"PK\x03\x04 not really a zip")


def test_a_zip_bomb_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(InvalidInputError, match="zip bomb"):
        parse_document("bomb", ".docx", out.getvalue())
