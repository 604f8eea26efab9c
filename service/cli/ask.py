"""`citedqa ask QUESTION`: the cited answer in the terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Literal

import typer

from citedqa.client_models import Delta, QueryResponse, StreamEvent
from service.cli.connection import ApiKey, AsJson, CollectionName, Timeout, Url, connect
from service.cli.output import out, print_answer, print_json

Retrieval = Literal["hybrid", "vector", "bm25"]


def ask(
    question: Annotated[str, typer.Argument(help="The question, 1 to 2000 characters.")],
    url: Url = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
    stream: Annotated[
        bool, typer.Option("--stream", help="Print the answer as it is produced.")
    ] = False,
    top_k: Annotated[
        int | None, typer.Option(min=1, max=50, help="Chunks to retrieve.", show_default=False)
    ] = None,
    retrieval: Annotated[
        Retrieval | None, typer.Option(help="hybrid, vector or bm25.", show_default=False)
    ] = None,
    doc_id: Annotated[
        list[str] | None,
        typer.Option(
            "--doc-id", help="Search only this document (repeatable).", show_default=False
        ),
    ] = None,
    collection: CollectionName = None,
    timeout: Timeout = 60.0,
) -> None:
    """Ask a question; print the answer, then its numbered citations (document, title, quote).

    Asks the service at --url (or CITEDQA_URL); without one, the local service, or the app
    in-process on the local data dir when none runs. A refusal is an answer (exit 0).
    """
    with connect(url, api_key, timeout, collection) as client:
        if stream:
            events = client.stream(question, top_k=top_k, retrieval=retrieval, doc_ids=doc_id)
            _print_stream(events, as_json=as_json)
            return
        reply = client.ask(question, top_k=top_k, retrieval=retrieval, doc_ids=doc_id)
    if as_json:
        print_json(reply)
    else:
        print_answer(reply)


def _print_stream(events: Iterator[StreamEvent], *, as_json: bool) -> None:
    """Deltas as they come (JSON: one event a line), then the verified answer.

    The final answer replaces the streamed text (verification may drop a claim), so the text
    is shown while it streams and the answer with its citations printed once it is done.
    """
    streamed = False
    final: QueryResponse | None = None
    for event in events:
        if isinstance(event, Delta):
            if as_json:
                print(json.dumps({"event": "delta", "text": event.text}), flush=True)
            elif out.is_terminal:
                out.print(event.text, end="", style="dim")
                streamed = True
        else:
            final = event.response
    if streamed:
        out.print()
        out.print()
    if final is None:  # the client raises first; kept for the type checker
        return
    if as_json:
        print(json.dumps({"event": "final", **final.model_dump()}), flush=True)
    else:
        print_answer(final)
