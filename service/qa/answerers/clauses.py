"""The shortest part of a sentence that still carries the answer.

A news sentence often holds three facts; a reader asked one wants that one. The sentence is
cut into segments at punctuation and at the words that open a clause or a coordinated
phrase ("which", "while", "and"), and the answer is the shortest run of neighbouring
segments that holds the answer span and everything of the question the sentence holds
(each run is scored by the question terms it keeps, less a small cost per word). The run is
a verbatim slice of the sentence, so it stays `text[start:end]` of the document. A run
never opens a quotation or an aside it does not close (`"Normans" comes from`, not
`Normans" comes from`): the marks right outside it come along.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Span = tuple[int, int]

# A relative pronoun after its preposition ("a sector in which") breaks before the
# preposition, not between the two.
_PREPOSITION = r"(?:in|of|for|to|by|with|from|at|on|under|through|during|among)"
# "and"/"but"/"or" open a new clause only before a new subject ("and [the] number ...",
# "and [he] said"); before a verb they join a predicate to its subject ("and was released").
_SUBJECT = (
    r"(?:the|a|an|this|that|these|those|he|she|it|they|we|i|you|his|her|its|their|our|my|"
    r"there|[A-Z]\w*)\b"
)
# Where a window may begin besides the sentence start: a subject, a preposition or a number,
# never a verb ("[was] actually released ..." would lose what was released).
_OPENING = re.compile(
    rf"^(?:{_SUBJECT}|{_PREPOSITION}\b|(?:after|before|during|since|until|over|about|including|"
    r"than|as|per|between|near|into|under|within|without|toward|towards)\b|\d|[\"“$€£])"
)
_BREAK = re.compile(
    # A comma before a year or after a day number stays: "December 3, 2008", "Paris, 1998".
    r"\s*(?:,(?!\s*\d{4}\b)|[;:()\[\]“”\"])\s*|\s+[–—-]\s+"
    rf"|\s+(?={_PREPOSITION}\s+(?:which|whom|whose)\b)"
    r"|(?<!\bin)(?<!\bof)(?<!\bto)(?<!\bby)(?<!\bat)(?<!\bon)(?<!\bfor)(?<!\bwith)(?<!\bfrom)"
    r"\s+(?=(?:which|who|whom|whose|where|while|whereas|although|though|because|unless|"
    rf"according)\b|(?:and|but|or)\s+{_SUBJECT})",
)
_EDGE_WORDS = re.compile(
    r"^(?:and|but|or|which|while|whereas|so|then|also|however)\b\s*|[\s,;:–—-]+$",
    re.IGNORECASE,
)
_NAMES_JOINED = re.compile(r"(?:and|or)\s+[A-Z]")
_NAME_BEFORE = re.compile(r"\b[A-Z][\w’'-]*$")
_TRAILING_CONNECTIVE = re.compile(r"\s+(?:and|but|or)$", re.IGNORECASE)
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+\S")
WORD_COST = 0.006  # a 25-word run must keep 0.15 more of the question than a 0-word one


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int


def segments(text: str) -> list[Segment]:
    """The sentence cut at clause boundaries; each segment's offsets index `text`."""
    out: list[Segment] = []
    position = 0
    for match in _BREAK.finditer(text):
        if _NAMES_JOINED.match(text, match.end()) and _NAME_BEFORE.search(text, 0, match.start()):
            continue  # "Russia and North Korea intend": one subject, two names
        if match.start() > position:
            out.append(Segment(position, match.start()))
        position = max(position, match.end())
    if position < len(text):
        out.append(Segment(position, len(text)))
    return [s for s in out if text[s.start : s.end].strip()]


def shortest_window(
    text: str,
    must_hold: Span | None,
    value: Callable[[str], float],
    word_cost: float = WORD_COST,
    valid: Callable[[str], bool] | None = None,
) -> Span:
    """The run of segments, containing `must_hold`, that maximises value - cost * words.

    `value` rates a piece of text (the share of the question it keeps); `valid` says which
    pieces may be chosen at all (those keeping the question's focus). Offsets returned
    index `text`, trimmed of connectives and punctuation at the edges.
    """
    parts = segments(text)
    if not parts:
        return (0, len(text))
    best: tuple[float, int, Span] | None = None
    quoted = _balanced(text)  # a quotation (or aside) the sentence closes is never cut open
    for i in range(len(parts)):
        for j in range(i, len(parts)):
            start, end = parts[i].start, parts[j].end
            if must_hold is not None and not (start <= must_hold[0] and must_hold[1] <= end):
                continue
            if quoted:  # not 'Normans" comes from ...': the marks around a run come along
                start, end = _with_quotes(text, start, end)
                if not _balanced(text[start:end]):
                    continue
            piece = text[start:end]
            if _SENTENCE_END.search(piece):  # a quote the splitter left joined: never across
                continue
            if valid is not None and not valid(piece):
                continue
            if i > 0 and not _OPENING.match(text[slice(*trim(text, (start, end)))]):
                continue
            words = len(_WORD.findall(piece))
            score = value(piece) - word_cost * words
            if (
                best is None
                or score > best[0] + 1e-9
                or (abs(score - best[0]) <= 1e-9 and words < best[1])
            ):
                best = (score, words, (start, end))
    if best is None:  # the answer span crosses every boundary: keep the whole sentence
        return (0, len(text))
    return trim(text, best[2])


def _with_quotes(text: str, start: int, end: int) -> Span:
    """The run with the quotation marks right outside it that it needs to be balanced."""
    opening = re.search(r"[“\"(]\s*$", text[:start])
    closing = re.match(r"\s*[”\")]", text[end:])
    opened = opening.start() if opening else start
    closed = end + closing.end() if closing else end
    tries = [(start, end), (start, closed), (opened, end)]
    return next((s for s in tries if _balanced(text[s[0] : s[1]])), (opened, closed))


def _balanced(text: str) -> bool:
    """Every quotation mark and parenthesis of `text` has its partner in it."""
    return (
        text.count('"') % 2 == 0
        and text.count("“") == text.count("”")
        and text.count("(") == text.count(")")
    )


def trim(text: str, span: Span) -> Span:
    """The span without leading connectives or trailing punctuation and spaces."""
    start, end = span
    while True:
        piece = text[start:end]
        lead = re.match(_EDGE_WORDS, piece)
        if lead and lead.end() > 0 and lead.start() == 0 and lead.end() < len(piece):
            start += lead.end()
            continue
        stripped = _TRAILING_CONNECTIVE.sub("", piece.rstrip(" ,;:–—-"))
        if len(stripped) < len(piece):
            end = start + len(stripped)
            continue
        lstripped = piece.lstrip(" ,;:–—-")
        if len(lstripped) < len(piece):
            start += len(piece) - len(lstripped)
            continue
        return (start, end)
