"""`citedqa documents list|show|upload|delete`: the collection, through the service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citedqa.client_models import DocumentList, UploadResponse
from service.cli.connection import ApiKey, AsJson, CollectionName, Timeout, Url, connect
from service.cli.output import out, print_document, print_documents, print_json, print_uploaded

app = typer.Typer(
    help="List, show, upload and delete documents (of --url, or of the local store).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

DocId = Annotated[str, typer.Argument(help="The document's doc_id (see `documents list`).")]


@app.command("list")
def list_documents(
    url: Url = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet's.")] = None,
    originals: Annotated[
        bool, typer.Option("--originals", help="Leave out near-duplicates.")
    ] = False,
    collection: CollectionName = None,
    timeout: Timeout = 60.0,
) -> None:
    """Every document by doc_id: title, chunks, outlet, the document it nearly duplicates."""
    with connect(url, api_key, timeout, collection) as client:
        documents = list(client.documents(outlet=outlet, duplicate_of="" if originals else None))
    if as_json:
        print_json(DocumentList(documents=documents))
        return
    count = print_documents(documents)
    out.print(f"[dim]{count} document(s)[/dim]")


@app.command()
def show(
    doc_id: DocId,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
    text: Annotated[bool, typer.Option(help="Print the canonical text too.")] = True,
    collection: CollectionName = None,
    timeout: Timeout = 60.0,
) -> None:
    """One document's fields and its canonical text (what citation offsets index into)."""
    with connect(url, api_key, timeout, collection) as client:
        document = client.document(doc_id)
    if as_json:
        print_json(document)
    else:
        print_document(document, text=text)


@app.command()
def upload(
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, readable=True, help="Files to ingest."),
    ],
    url: Url = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
    collection: CollectionName = None,
    timeout: Timeout = 600.0,
) -> None:
    """Ingest files of any supported type (text, Markdown, HTML, PDF, Office), all or none;
    searchable on return."""
    with connect(url, api_key, timeout, collection) as client:
        results = client.upload(paths)
    if as_json:
        print_json(UploadResponse(documents=results))
    else:
        print_uploaded(results)


@app.command()
def delete(
    doc_id: DocId,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
    collection: CollectionName = None,
    timeout: Timeout = 60.0,
) -> None:
    """Remove a document and its chunks; answers stop citing it at once."""
    with connect(url, api_key, timeout, collection) as client:
        deleted = client.delete(doc_id)
    if as_json:
        print_json(deleted)
    else:
        n = deleted.chunks_removed
        out.print(f"Deleted {deleted.doc_id} ({n} chunk{'s' * (n != 1)}).")
