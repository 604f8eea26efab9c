"""PDF lines to the text a reader sees: reading order, paragraphs, no running heads.

A PDF holds positioned runs of glyphs, not paragraphs. Extracted line by line, every line
break of the page would end a sentence (the sentence splitter treats a line break as a
boundary), a hyphen at a line's end would split its word, the running header, footer and page
number would sit between the paragraphs of every page, and a two-column page would be read
across both columns. What the document pipelines (pdfminer's layout analysis, docling,
unstructured) do, kept small:

- columns: a vertical gutter near the middle of the page that no line crosses, with lines on
  both sides, splits the page; lines that cross it (titles, figures' captions, footers) cut
  the page into bands, and each band is read left column first;
- paragraphs: a line continues the paragraph unless there is a larger gap above it than the
  page's usual line pitch, it is indented, the font size or weight changes (headings), or
  the line before stopped short after a sentence's end;
- hyphenation: `exam-` + `ple` is `example` when a lowercase letter follows;
- running heads: lines in the top or bottom margin that repeat on most pages (digits aside),
  and lone page numbers there, are dropped.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

# What PDFium reports for a hyphen it judged to be a line-end break (by API), and U+00AD.
SOFT_HYPHENS = ("\x02", "\ufffe", "\xad")
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# A list item's marker: a bullet, or a number or letter with "." or ")", then a space (not
# a dash: a wrapped line may start with one mid-sentence).
_LIST_ITEM = re.compile(r"^([•●▪◦‣∙*]|\(?(\d{1,3}|[a-z])[.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;…\"”’)]$")
_MARGIN = 0.12  # of the page height: where running heads live


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text on a page, in PDF points (y grows upwards)."""

    left: float
    right: float
    bottom: float
    top: float
    text: str
    size: float = 0.0  # font size in points (0 when unknown)
    bold: bool = False


@dataclass(frozen=True, slots=True)
class PageLines:
    """The lines of one page and the page's size."""

    width: float
    height: float
    lines: list[Line]


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one line: spaces between, line-end hyphens undone."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out.endswith(("-", *SOFT_HYPHENS)) and len(out) > 1 and out[-2].isalpha():
            # "exam-" + "ple": one word; "North-" + "Korea": a compound, hyphen kept.
            out = out[:-1] + ("" if line[0].islower() else "-") + line
            continue
        out = f"{out} {line}" if out else line
    for soft in SOFT_HYPHENS:
        out = out.replace(soft, "-" if soft != "\xad" else "")
    return out


def join_text_blocks(text: str) -> str:
    """Plain text with paragraphs as blank-line separated blocks (OCR's output) joined up."""
    blocks = re.split(r"\n\s*\n", text)
    return "\n".join(joined for b in blocks if (joined := join_lines(b.split("\n"))))


def page_texts(pages: list[PageLines]) -> list[str]:
    """Each page's text: running heads dropped, read in order, one paragraph a line.

    A paragraph that runs on to the next page is kept whole on the page where it starts (so
    its sentences are too; its citations name that page).
    """
    heads = _running_heads(pages)
    texts: list[list[str]] = []
    for page in pages:
        kept = [
            line
            for line in page.lines
            if not (_in_margin(line, page) and (_key(line) in heads or _is_page_number(line)))
        ]
        paragraphs = _paragraphs(_reading_order(kept, page.width))
        before = next((t for t in reversed(texts) if t), None)
        if before and paragraphs and _runs_on(before[-1]):
            before[-1] = join_lines([before[-1], paragraphs.pop(0)])
        texts.append(paragraphs)
    return ["\n".join(paragraphs) for paragraphs in texts]


def _runs_on(paragraph: str) -> bool:
    """True for a body paragraph cut off mid-sentence (no heading, no closing punctuation)."""
    return paragraph.endswith("-") or (len(paragraph) > 60 and not _SENTENCE_END.search(paragraph))


def _key(line: Line) -> str:
    return _DIGITS.sub("#", " ".join(line.text.lower().split()))


def _is_page_number(line: Line) -> bool:
    return bool(_PAGE_NUMBER.match(line.text))


def _in_margin(line: Line, page: PageLines) -> bool:
    return line.bottom > page.height * (1 - _MARGIN) or line.top < page.height * _MARGIN


def _running_heads(pages: list[PageLines]) -> set[str]:
    """Keys of margin lines found on at least half the pages (and on two at least)."""
    if len(pages) < 2:
        return set()
    counts = Counter(
        key for page in pages for key in {_key(li) for li in page.lines if _in_margin(li, page)}
    )
    needed = max(2, len(pages) / 2)
    return {key for key, n in counts.items() if n >= needed}


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of a gutter between two columns, or None for a one-column page.

    The gutter is the widest run of x positions in the middle half of the page crossed by
    the fewest lines (titles and footers may cross it; body lines do not).
    """
    if len(lines) < 6:
        return None
    crossings = [
        (sum(li.left < x < li.right for li in lines), x)
        for x in range(int(width * 0.25), int(width * 0.75) + 1)
    ]
    fewest = min(count for count, _ in crossings)
    if fewest > 0.25 * len(lines):
        return None
    best: tuple[int, float] = (0, 0.0)
    run: list[int] = []
    for count, x in [*crossings, (fewest + 1, -1)]:
        if count == fewest:
            run.append(x)
        elif run:
            best = max(best, (len(run), (run[0] + run[-1]) / 2))
            run = []
    if best[0] < 4:
        return None
    gutter = best[1]
    left = sum(li.right <= gutter for li in lines)
    right = sum(li.left >= gutter for li in lines)
    if min(left, right) < 3 or min(left, right) < 0.2 * len(lines):
        return None
    return gutter


def _reading_order(lines: list[Line], width: float) -> list[list[Line]]:
    """Columns of lines in reading order: top to bottom, a band's left column first."""
    ordered = sorted(lines, key=lambda li: (-li.top, li.left))
    gutter = _gutter(ordered, width)
    if gutter is None:
        return [ordered] if ordered else []
    runs: list[list[Line]] = []
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        runs.extend(column for column in (left[:], right[:]) if column)
        left.clear()
        right.clear()

    for line in ordered:
        if line.right <= gutter:
            left.append(line)
        elif line.left >= gutter:
            right.append(line)
        else:  # spans the page: ends the band above it
            flush()
            runs.append([line])
    flush()
    return runs


def _paragraphs(columns: list[list[Line]]) -> list[str]:
    """Paragraph texts of the columns read in order (a paragraph may run on to the next)."""
    paragraphs: list[list[str]] = []
    previous: Line | None = None
    prev_edges: tuple[float, float] = (0.0, 0.0)
    for column in columns:
        edges = (min(li.left for li in column), _right_edge(column))
        pitch = _pitch(column)
        for line in column:
            if previous is None or _breaks(previous, prev_edges, line, edges, pitch):
                paragraphs.append([])
            paragraphs[-1].append(line.text)
            previous, prev_edges = line, edges
    return [text for lines in paragraphs if (text := join_lines(lines))]


def _right_edge(column: list[Line]) -> float:
    rights = sorted(li.right for li in column)
    return rights[int(len(rights) * 0.9)] if len(rights) > 2 else rights[-1]


def _pitch(column: list[Line]) -> float:
    """The usual distance from one line's top to the next one's in this column."""
    steps = [a.top - b.top for a, b in itertools.pairwise(column) if a.top > b.top]
    return statistics.median(steps) if steps else 0.0


def _breaks(
    prev: Line,
    prev_edges: tuple[float, float],
    line: Line,
    edges: tuple[float, float],
    pitch: float,
) -> bool:
    """True when `line` starts a new paragraph after `prev`."""
    size = max(line.size, prev.size, line.top - line.bottom, 1.0)
    sized = line.size > 0 and prev.size > 0
    if (sized and abs(line.size - prev.size) > 0.15 * size) or line.bold != prev.bold:
        return True  # a heading starts or ends
    if line.left > edges[0] + 0.6 * size:
        return True  # first-line indent (or a centred line)
    if _LIST_ITEM.match(line.text):
        return True  # each item of a list on its own line
    left_edge, right_edge = prev_edges
    short = prev.right < right_edge - max(2.5 * size, 0.12 * (right_edge - left_edge))
    if short and _SENTENCE_END.search(prev.text.rstrip()):
        return True
    same_column = prev_edges == edges
    if same_column and pitch and prev.top - line.top > 1.35 * pitch:
        return True  # a gap wider than the usual line pitch
    return same_column and line.top > prev.top  # back up the page: a new block
