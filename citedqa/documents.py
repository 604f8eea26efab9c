"""Files to `Document`s: decoding, canonical text, ids and titles."""

from __future__ import annotations

import re
from pathlib import Path

from citedqa.errors import InvalidInputError
from citedqa.models import Document

SUPPORTED_SUFFIXES = frozenset({".txt", ".md"})
_BLANK_RUNS = re.compile(r"\n{3,}")


def canonical_text(raw: bytes) -> str:
    """UTF-8 decoded (BOM stripped), newlines normalised to \\n, tidied whitespace."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"not valid UTF-8 (byte {exc.start})") from None
    if "\x00" in text:
        raise InvalidInputError("looks binary (contains NUL bytes)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def title_of(text: str) -> str:
    """The first non-empty line, stripped."""
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def doc_id_for(path: Path, root: Path) -> str:
    """Path relative to the ingest root, without extension, with / separators."""
    return path.relative_to(root).with_suffix("").as_posix()


def load_document(path: Path, root: Path) -> Document:
    """Read one file into a Document, or raise InvalidInputError saying why not."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InvalidInputError(
            f"unsupported file type {path.suffix or '(none)'!r} (use {allowed})"
        )
    return parse_document(doc_id_for(path, root), path.read_bytes())


def parse_document(doc_id: str, raw: bytes) -> Document:
    """Bytes of a supported file into a Document with canonical text."""
    text = canonical_text(raw)
    if not text.strip():
        raise InvalidInputError("empty document (no text after cleaning)")
    return Document(doc_id=doc_id, text=text, title=title_of(text))
