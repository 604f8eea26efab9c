"""Text normalisation and word-bounded phrase matching for key facts."""

from __future__ import annotations

import re
import unicodedata

# Citation markers such as [1], [2, 3], [1-3] or [1][2].
_MARKER = re.compile(r"\[\s*\d+(?:\s*[,;\-\u2013]\s*\d+)*\s*\]")

# Typographic variants mapped to one ASCII form before punctuation is removed. Most are
# punctuation anyway; the table also covers the few that Unicode classes as letters or symbols.
_UNIFY = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u02b9\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
        "\u00ad": None,  # soft hyphen: invisible, joins word parts
    }
)


def strip_markers(text: str) -> str:
    """Replace citation markers like ``[1]`` with a space."""
    return _MARKER.sub(" ", text)


def normalize(text: str) -> str:
    """NFKC + casefold, unify quotes and dashes, punctuation to space, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UNIFY)
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def contains_phrase(haystack: str, phrase: str) -> bool:
    """True when normalised ``phrase`` occurs in normalised ``haystack`` on word boundaries."""
    needle = normalize(phrase)
    if not needle:
        return False
    return f" {needle} " in f" {normalize(haystack)} "
