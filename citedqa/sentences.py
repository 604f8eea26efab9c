"""Sentence spans with exact character offsets.

Written here rather than taken from a library because every span must be an exact
`str` index range into the canonical text: nltk's punkt needs a model download (offline
here) and llama-index's splitters re-join text and lose offsets. The rules are the usual
ones: a line break ends a sentence; so does . ! ? or … followed by space and a capital,
digit or quote, unless the word before is a known abbreviation or a single initial.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "rev",
        "hon",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "assn",
        "bros",
        "vs",
        "etc",
        "no",
        "nos",
        "vol",
        "fig",
        "approx",
        "est",
        "ca",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_BOUNDARY = re.compile(r"""[.!?…]+['"’”»)\]]*(?=\s+['"‘“«(\[]?[\w])""")
_LINE = re.compile(r"[^\n]+")
_NEXT_WORD = re.compile(r"\s+['\"‘“«(\[]?(\w)")


def _ends_with_abbreviation(text: str, end: int) -> bool:
    # Walk back to the word's start: a regex over `text[:end]` made splitting quadratic.
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start:end].rstrip(".").lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _next_starts_lower(text: str, pos: int) -> bool:
    match = _NEXT_WORD.match(text, pos)
    return match is not None and match.group(1).islower()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, in order, never overlapping."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            cut = boundary.end()
            if text[boundary.start()] == "." and (
                _ends_with_abbreviation(text, boundary.start() + 1) or _next_starts_lower(text, cut)
            ):
                continue
            spans.append((start, cut))
            start = cut
        spans.append((start, line.end()))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
