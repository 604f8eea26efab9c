"""A file its parser chokes on is unreadable, never a crash (issue 16, item 2)."""

from __future__ import annotations

import pypdfium2
import pytest

from citedqa.errors import InvalidInputError
from citedqa.formats import extract


@pytest.mark.parametrize(
    "error", [AttributeError, AssertionError, NotImplementedError, RecursionError]
)
def test_whatever_the_pdf_parser_raises_the_file_is_unreadable(
    monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    # What fuzzed and hostile PDFs make parsers raise (unknown filters, decompression limits).
    def choke(*args: object, **kwargs: object) -> None:
        raise error("parser failure")

    monkeypatch.setattr(pypdfium2, "PdfDocument", choke)
    with pytest.raises(InvalidInputError, match=rf"unreadable PDF \({error.__name__}\)"):
        extract(".pdf", b"%PDF-1.4 ...")


def test_whatever_the_html_parser_raises_the_file_is_unreadable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import citedqa.formats as formats

    def choke(raw: bytes) -> None:
        raise RecursionError("nested too deep")

    monkeypatch.setitem(formats._PARSERS, ".html", choke)
    with pytest.raises(InvalidInputError, match=r"unreadable HTML \(RecursionError\)"):
        extract(".html", b"<html>")
