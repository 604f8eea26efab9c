from pathlib import Path

import pytest

from citedqa.documents import (
    canonical_text,
    check_doc_id,
    doc_id_for,
    load_document,
    parse_document,
    title_of,
)
from citedqa.errors import InvalidInputError


def test_canonical_text_strips_bom_and_normalises_newlines() -> None:
    raw = "\ufeffTitle line  \r\n\r\n\r\n\r\nBody one.\rBody two.\n".encode()
    assert canonical_text(raw) == "Title line\n\nBody one.\nBody two."


def test_doc_id_is_relative_path_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "news" / "2023" / "001_abc.txt"
    assert doc_id_for(path, tmp_path) == "news/2023/001_abc"


def test_title_is_first_non_empty_line() -> None:
    assert title_of("\n\n  Headline here \nbody") == "Headline here"


@pytest.mark.parametrize(
    ("suffix", "first_line", "title"),
    [
        (".md", "# Chapter 1. Introduction", "Chapter 1. Introduction"),
        (".markdown", "## Closed heading ##", "Closed heading"),
        (".md", "#hashtag is not a heading", "#hashtag is not a heading"),
        (".txt", "# a plain-text line", "# a plain-text line"),
    ],
)
def test_markdown_title_drops_heading_markers(suffix: str, first_line: str, title: str) -> None:
    doc = parse_document("x", suffix, f"{first_line}\n\nBody text here.".encode())
    assert doc.title == title


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\xff\xfebroken", "UTF-8"),
        (b"abc\x00def", "binary"),
    ],
)
def test_bad_bytes_are_rejected_with_a_reason(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_document("x", ".txt", raw)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG")
    with pytest.raises(InvalidInputError, match="unsupported file type"):
        load_document(path, tmp_path)


@pytest.mark.parametrize("doc_id", ["news/2023/001_abc", "a.b", "...", "café-(1)", "x" * 200])
def test_addressable_doc_ids_pass(doc_id: str) -> None:
    assert check_doc_id(doc_id) == doc_id


@pytest.mark.parametrize(
    ("doc_id", "reason"),
    [
        (".", "path steps"),
        ("..", "path steps"),
        ("news/.", "path steps"),
        ("a/../b", "path steps"),
        ("", "1 to 200 characters"),
        ("x" * 201, "1 to 200 characters"),
        ("a//b", "letters, digits"),
        ("pass wd", "letters, digits"),
        ("zero\u200bwidth", "letters, digits"),
    ],
)
def test_unaddressable_doc_ids_are_refused_with_a_reason(doc_id: str, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        check_doc_id(doc_id)
