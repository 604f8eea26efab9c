"""How the commands print: answers with numbered citations, documents as tables, or JSON.

Results go to stdout, notes and errors to stderr, so `citedqa ask --json ... | jq` works.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from citedqa.client_models import (
    DocumentDetail,
    DocumentSummary,
    QueryResponse,
    UploadResult,
)

out = Console(highlight=False, soft_wrap=True)


def print_json(reply: BaseModel) -> None:
    """The reply as the service sent it (fields it left empty included)."""
    print(reply.model_dump_json(indent=2))


def print_answer(reply: QueryResponse) -> None:
    """The answer, then its citations numbered as its `[n]` markers are."""
    if reply.refused:
        out.print("[bold]No answer in the documents[/bold]")
        out.print(escape(reply.answer), style="dim")
        if reply.refusal_reason:
            why = reply.refusal_detail
            out.print(
                escape(f"Why ({reply.refusal_reason}): {why}" if why else reply.refusal_reason)
            )
        return
    out.print(escape(reply.answer))
    if reply.citations:
        out.print()
    for n, c in enumerate(reply.citations, start=1):
        source = ", ".join(x for x in (c.outlet, c.date) if x)
        page = f", page {c.page}" if c.page is not None else ""
        out.print(
            f"[bold][{n}][/bold] [cyan]{escape(c.doc_id)}[/cyan] {escape(c.title)}"
            + (f" [dim]({escape(source)}{page})[/dim]" if source or page else "")
        )
        out.print(f"    “{escape(c.quote)}” [dim]{c.start}-{c.end}[/dim]")


def print_documents(documents: Iterable[DocumentSummary]) -> int:
    """A table of documents; how many it listed."""
    rows = [
        (d.doc_id, d.title, str(d.chunks), d.outlet or "", d.duplicate_of or "") for d in documents
    ]
    headers = ("doc_id", "title", "chunks", "outlet", "duplicate of")
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    # Every column whole but the title, which takes what is left of the line and is cut: the
    # doc_ids are what `show` and `delete` take (2 = a column's padding).
    title_width = max(10, out.width - sum(widths) + widths[1] - 2 * len(headers))
    table = Table(box=None)
    for i, header in enumerate(headers):
        if i == 1:
            table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=title_width)
        else:
            table.add_column(header, no_wrap=True, min_width=widths[i])
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return len(rows)


def print_document(document: DocumentDetail, *, text: bool) -> None:
    """A document's fields, then (with `text`) its canonical text."""
    for name, value in document.model_dump(exclude={"text"}).items():
        if value is not None:
            out.print(f"[bold]{name}[/bold]: {escape(str(value))}")
    if text:
        out.print()
        out.print(escape(document.text))


def print_uploaded(results: Iterable[UploadResult]) -> None:
    """What an upload did to each file."""
    table = Table("doc_id", "status", "chunks", "duplicate of", box=None)
    for r in results:
        table.add_row(r.doc_id, r.status, str(r.chunks), r.duplicate_of or "")
    out.print(table)
