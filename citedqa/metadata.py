"""A file's own title, author and date, when they say something.

Generators fill these fields with placeholders: reportlab writes "untitled" and
"anonymous", Word's PDF export "Microsoft Word - report.docx", python-docx "python-docx",
templates "Document1" or "Presentation1". A placeholder title would name every citation
"Untitled"; like Apache Tika's consumers, citedqa then falls back to the document's first
heading (or line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

_PLACEHOLDER = re.compile(
    r"""^\W*(
        untitled(\s+document)?(\s*\d+)? | anonymous | unknown | unspecified | none | null | n/?a
      | (document|presentation|book|workbook|slide|sheet)\s*\d* | title | author | user
      | admin(istrator)? | owner | default | python-(docx|pptx) | openpyxl | reportlab.*
      | microsoft\s+(office\s+)?user | [a-z]:\\.* | .*\.(docx?|pptx?|xlsx?|odt|pdf|rtf|txt|tmp)
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_OFFICE_PREFIX = re.compile(r"^Microsoft\s+(Word|PowerPoint|Excel)\s+-\s+", re.IGNORECASE)
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")


def real(value: str | None) -> str:
    """`value` stripped, or "" when it is a generator's placeholder rather than a statement."""
    value = _OFFICE_PREFIX.sub("", (value or "").strip()).strip()
    return "" if _PLACEHOLDER.match(value) else value


def known(fields: Mapping[str, str | None]) -> dict[str, str]:
    """The fields whose values are real (see `real`)."""
    return {key: kept for key, value in fields.items() if (kept := real(value))}


def pdf_date(value: str) -> str:
    """A PDF date string ("D:20240305120000+01'00'") as an ISO date, or "" when unusable."""
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return ""
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def iso_date(value: datetime | date | str | None) -> str:
    """A file's created date as an ISO date, or ""."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return (value or "").strip()[:10]
