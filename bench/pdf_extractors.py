"""Which PDF extractor reads a page as a reader does: pypdf, pypdfium2, pypdfium2 + layout.

`python -m bench.pdf_extractors` typesets the seed articles (seeds/) as PDFs with reportlab in
the layouts people meet (one column with running header, footer and page numbers; two columns
under a full-width title; a narrow column with words hyphenated at line ends), extracts them
with each candidate and prints, per extractor:

- sentences whole: the share of the source's sentences found verbatim on one line (a line
  break inside a sentence ends it for the sentence splitter and the quote stops mid-way);
- reading order: the share of consecutive source sentences found in the same order;
- ms/page: extraction time.

The numbers are in docs/formats.md. The generator (`typeset`) is also what the format tests use.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from citedqa.cleaning import is_junk
from citedqa.sentences import sentence_spans

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAGE_W, PAGE_H, MARGIN = 420.0, 595.0, 50.0  # A5: several pages per seed article
FONT, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True, slots=True)
class Layout:
    """How a document is set: columns, font size, paragraph style, running header/footer."""

    columns: int = 1
    size: float = 10.5
    indent: bool = False  # paragraphs marked by a first-line indent instead of a gap
    width: float = PAGE_W - 2 * MARGIN  # of the text block
    header: str = ""
    footer: str = "Page {page} of {pages}"


@dataclass(frozen=True, slots=True)
class Sample:
    """A typeset PDF and the sentences it was made from, in reading order."""

    name: str
    pdf: bytes
    sentences: list[str]


def _wrap(
    words: list[str], width: float, size: float, first_indent: float = 0.0, font: str = FONT
) -> list[str]:
    """Lines of at most `width` points; a long word that does not fit is hyphenated."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    limit = width - first_indent
    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= limit:
            line = candidate
            continue
        split = None if font != FONT else _hyphenate(word, line, limit, size)
        if split is not None:
            lines.append(f"{line} {split[0]}-" if line else f"{split[0]}-")
            queue.insert(0, split[1])
        elif line:
            lines.append(line)
            queue.insert(0, word)
        else:  # a word wider than the line: on a line of its own
            lines.append(word)
        line, limit = "", width
    if line:
        lines.append(line)
    return lines


def _hyphenate(word: str, line: str, limit: float, size: float) -> tuple[str, str] | None:
    """The longest head of an all-letter `word` (3+ letters each side) that fits with a hyphen."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not line or len(word) < 7 or not word.isalpha():
        return None
    for cut in range(len(word) - 3, 2, -1):
        if stringWidth(f"{line} {word[:cut]}-", FONT, size) <= limit:
            return word[:cut], word[cut:]
    return None


def typeset(title: str, paragraphs: list[str], layout: Layout, author: str = "") -> bytes:
    """A PDF of `paragraphs` under `title` (reportlab's placeholder metadata unless `author`)."""
    from reportlab.pdfgen.canvas import Canvas

    size, leading = layout.size, layout.size * 1.25
    gutter = 18.0
    col_w = (layout.width - gutter * (layout.columns - 1)) / layout.columns
    top, bottom = PAGE_H - MARGIN, MARGIN
    # Lay out first (the footer needs the page count): (page, font, size, x, y, text).
    placed: list[tuple[int, str, float, float, float, str]] = []
    page, col, y = 1, 0, top
    for line in _wrap(title.split(), layout.width, 14, font=BOLD):
        placed.append((1, BOLD, 14, MARGIN, y, line))
        y -= 17
    y -= 8
    column_top = y  # under the title on the first page, the top margin after
    for paragraph in paragraphs:
        indent = 14.0 if layout.indent else 0.0
        for i, line in enumerate(_wrap(paragraph.split(), col_w, size, indent)):
            if y < bottom:
                col += 1
                if col == layout.columns:
                    page, col, column_top = page + 1, 0, top
                y = column_top
            x = MARGIN + col * (col_w + gutter) + (indent if i == 0 else 0.0)
            placed.append((page, FONT, size, x, y, line))
            y -= leading
        y -= 0 if layout.indent else leading * 0.6
    canvas = Canvas(io.BytesIO(), pagesize=(PAGE_W, PAGE_H))
    if author:
        canvas.setAuthor(author)
        canvas.setTitle(title)
    for number in range(1, page + 1):
        canvas.setFont(FONT, 8)
        if layout.header:
            canvas.drawString(MARGIN, PAGE_H - 30, layout.header)
        if layout.footer:
            footer = layout.footer.format(page=number, pages=page)
            canvas.drawCentredString(PAGE_W / 2, 24, footer)
        for on, font, font_size, x, y_, text in placed:
            if on == number:
                canvas.setFont(font, font_size)
                canvas.drawString(x, y_, text)
        canvas.showPage()
    out: bytes = canvas.getpdfdata()
    return out


LAYOUTS = {
    "report": Layout(header="Northfield Labs · Annual report 2024"),
    "newsletter": Layout(columns=2, size=9.5, header="The Northfield Newsletter", indent=True),
    "narrow": Layout(width=300.0, size=11.0, footer="- {page} -"),
    "paper": Layout(columns=2, size=9.0, footer="{page}"),
    "memo": Layout(indent=True, header="INTERNAL MEMO", footer="Confidential · page {page}"),
}


def samples(seeds: Path = SEEDS) -> list[Sample]:
    """Each seed article typeset in the next layout (five PDFs for five seeds)."""
    made = []
    for path, (name, layout) in zip(sorted(seeds.glob("*.txt")), LAYOUTS.items(), strict=False):
        text = path.read_text(encoding="utf-8").encode("cp1252", "ignore").decode("cp1252")
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        title, paragraphs = lines[0], lines[1:]
        # Page furniture copied into the seeds ("Subscribe to our magazine") is meant to go.
        sentences = [
            p[s:e] for p in paragraphs for s, e in sentence_spans(p) if not is_junk(p[s:e])
        ]
        made.append(Sample(name, typeset(title, paragraphs, layout), sentences))
    return made


def _pypdf(raw: bytes) -> str:
    from pypdf import PdfReader

    return "\n\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)


def _pdfium(raw: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(raw)
    try:
        text = "\n\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return text.replace("\r\n", "\n")


def _citedqa(raw: bytes) -> str:
    from citedqa.documents import parse_document

    return parse_document("sample", ".pdf", raw).text


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "pypdf": _pypdf,
    "pypdfium2": _pdfium,
    "pypdfium2 + citedqa/layout.py": _citedqa,
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def score(text: str, sentences: list[str]) -> tuple[int, int]:
    """(sentences found whole on one line, consecutive pairs found in source order)."""
    lines = [re.sub(r"[ \t]+", " ", line) for line in text.split("\n")]
    whole = sum(any(_flat(s) in line for line in lines) for s in sentences)
    flat = _flat(text)
    found = [flat.find(" ".join(_flat(s).split()[:6])) for s in sentences]
    in_order = sum(0 <= a < b for a, b in itertools.pairwise(found))
    return whole, in_order


def main() -> int:
    import pypdfium2

    made = samples()
    pages = sum(len(pypdfium2.PdfDocument(s.pdf)) for s in made)
    total = sum(len(s.sentences) for s in made)
    pairs = sum(len(s.sentences) - 1 for s in made)
    print(f"{len(made)} PDFs, {pages} pages, {total} sentences")
    print("| extractor | sentences whole | reading order | ms/page |")
    print("| --- | --- | --- | --- |")
    for name, extract in EXTRACTORS.items():
        extract(made[0].pdf)  # imports out of the timing
        whole = ordered = 0
        started = time.perf_counter()
        for sample in made:
            w, o = score(extract(sample.pdf), sample.sentences)
            whole, ordered = whole + w, ordered + o
        ms = (time.perf_counter() - started) * 1000 / pages
        print(
            f"| {name} | {whole}/{total} ({whole / total:.0%}) | {ordered / pairs:.0%} | {ms:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
