"""PDF text as a reader sees it (issue 19): paragraphs whole, no running heads, pages kept."""

from __future__ import annotations

import pypdfium2
import pytest

from citedqa.documents import parse_document
from citedqa.layout import Line, PageLines, join_lines, page_texts
from citedqa.metadata import pdf_date, real
from tests.helpers import HANDBOOK, HANDBOOK_TITLE, handbook_pdf


@pytest.mark.parametrize("columns", [1, 2])
def test_every_paragraph_comes_out_whole_and_in_order(columns: int) -> None:
    raw = handbook_pdf(columns)
    doc = parse_document("handbook", ".pdf", raw)
    lines = doc.text.split("\n")
    positions = [lines.index(paragraph) for paragraph in HANDBOOK]  # ValueError: not whole
    assert positions == sorted(positions)
    assert doc.title == HANDBOOK_TITLE  # reportlab's "untitled" is a placeholder


def test_running_header_footer_and_page_numbers_are_dropped_and_pages_kept() -> None:
    raw = handbook_pdf()
    pdf = pypdfium2.PdfDocument(raw)
    raw_text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert len(pdf) >= 2 and "Page 2 of" in raw_text
    assert "qualifica\ufffetion" in raw_text  # hyphenated at a line's end
    doc = parse_document("handbook", ".pdf", raw)
    assert "Northfield Labs" not in doc.text and "Page 1 of" not in doc.text
    assert "chromatography qualification are" in doc.text
    # Page 3 holds only the end of a paragraph begun on page 2: it is kept whole there.
    assert [number for _, _, number in doc.pages] == [1, 2]
    for start, end, _ in doc.pages:
        assert doc.text[start:end].strip() == doc.text[start:end]
    last_start, last_end, _ = doc.pages[-1]
    assert HANDBOOK[-1] in doc.text[last_start:last_end]


def test_two_columns_are_read_left_column_first() -> None:
    def line(left: float, top: float, text: str) -> Line:
        return Line(left, left + 150, top - 9, top, text, 10.0)

    left = [line(50, 500 - 12 * i, f"left {i} of the first column runs on") for i in range(4)]
    left.append(Line(50, 120, 443, 452, "left 4 ends.", 10.0))  # short, after a full stop
    right = [line(230, 500 - 12 * i, f"right {i} of the second column runs on") for i in range(5)]
    title = Line(50, 380, 520, 534, "A title across both columns", 14.0, bold=True)
    (text,) = page_texts([PageLines(420, 595, [*right, title, *left])])
    paragraphs = text.split("\n")
    assert paragraphs[0] == "A title across both columns"
    assert paragraphs[1].startswith("left 0") and paragraphs[2].startswith("right 0")
    assert "left 4 ends." in paragraphs[1] and "right" not in paragraphs[1]
    assert "right 4" in paragraphs[2]


def test_line_end_hyphens_are_undone_only_before_a_lowercase_letter() -> None:
    assert join_lines(["the exam-", "ple shows", "it"]) == "the example shows it"
    assert join_lines(["reconnais\x02", "sance"]) == "reconnaissance"
    assert join_lines(["North-", "Korea"]) == "North-Korea"
    assert join_lines(["a rule", "- and a dash"]) == "a rule - and a dash"


@pytest.mark.parametrize(
    "value",
    [
        "untitled",
        "(anonymous)",
        "Anonymous",
        "Microsoft Word - report.docx",
        "Document1",
        "python-docx",
        "Presentation2",
        "unknown",
    ],
)
def test_placeholder_titles_and_authors_are_not_metadata(value: str) -> None:
    assert real(value) == ""


def test_real_metadata_is_kept() -> None:
    assert real("Microsoft Word - Fire safety 2024") == "Fire safety 2024"
    assert real("Jane Doe") == "Jane Doe"
    assert pdf_date("D:20240305120000+01'00'") == "2024-03-05" and pdf_date("junk") == ""


def test_list_items_stay_on_lines_of_their_own() -> None:
    texts = [
        "Bring to every drill:",
        "• your badge",
        "• a torch that works",
        "1. Walk out.",
        "2. Wait.",
    ]
    lines = [
        Line(50, 50 + 8 * len(t), 500 - 14 * i - 10, 500 - 14 * i, t, 10.0)
        for i, t in enumerate(texts)
    ]
    lines.append(
        Line(50, 330, 420, 430, "Marshals count everyone at the assembly point by the", 10.0)
    )
    lines.append(Line(50, 200, 406, 416, "car park gate.", 10.0))
    (text,) = page_texts([PageLines(420, 595, lines)])
    assert text.split("\n") == [
        *texts,
        "Marshals count everyone at the assembly point by the car park gate.",
    ]
