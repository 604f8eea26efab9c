"""`citedqa ingest`, `serve` and `eval`: the three programs, under one command.

Each calls the program's own entry (`python -m ingest`, `python -m service`,
`python -m eval`), so the two ways to run it cannot drift apart. Options that are settings
(`--collection`, `--host`, `--port`, `--workers`) are passed the way every setting is, as
`CITEDQA_*` environment variables of this process, which those entries read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def _setting(name: str, value: object) -> None:
    """Set CITEDQA_<NAME> for this process when the option was given."""
    if value is not None:
        os.environ[f"CITEDQA_{name.upper()}"] = str(value)


def ingest(
    path: Annotated[Path, typer.Argument(help="A folder (walked) or one file.")],
    sync: Annotated[
        bool, typer.Option("--sync", help="Also remove documents no longer under PATH.")
    ] = False,
    collection: Annotated[
        str | None,
        typer.Option(help="Collection to write (default: CITEDQA_COLLECTION).", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Ingest documents into the configured store (what `python -m ingest` does)."""
    from ingest.__main__ import main as ingest_main

    _setting("collection", collection)
    argv = [str(path)] + ["--sync"] * sync + ["--quiet"] * quiet
    raise typer.Exit(ingest_main(argv))


def serve(
    host: Annotated[
        str | None, typer.Option(help="Default: CITEDQA_HOST (127.0.0.1).", show_default=False)
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Default: CITEDQA_PORT (8000).", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes (more than 1 needs a Chroma server).", show_default=False
        ),
    ] = None,
) -> None:
    """Serve the API and the web page (what `python -m service` does)."""
    for name, value in (("host", host), ("port", port), ("workers", workers)):
        _setting(name, value)
    from service.__main__ import main as service_main

    raise typer.Exit(service_main([]))  # its settings are in the environment, set above


def evaluate(ctx: typer.Context) -> None:
    """Run the eval harness; every argument goes to `python -m eval` (try `citedqa eval --help`)."""
    from eval.cli import main as eval_main

    raise typer.Exit(eval_main(ctx.args))


def register(app: typer.Typer) -> None:
    """Add the three commands to the `citedqa` app."""
    app.command()(ingest)
    app.command()(serve)
    app.command(
        "eval",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(evaluate)
