"""The `citedqa` Typer app: its subcommands, and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer

from citedqa.errors import CitedQAError, ConfigError, InvalidInputError, ServiceError
from service.cli import documents, programs
from service.cli.ask import ask

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="citedqa",
    help="Answers from your documents, every sentence cited. Each command has --help.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
app.command()(ask)
app.add_typer(documents.app, name="documents")
programs.register(app)


def exit_code(exc: CitedQAError) -> int:
    """2 when the input was refused (bad settings, a question the service rejects), else 1."""
    if isinstance(exc, ConfigError | InvalidInputError):
        return EXIT_USAGE
    if isinstance(exc, ServiceError) and exc.status == 422:
        return EXIT_USAGE
    return EXIT_FAILED


def main() -> None:
    """The console script: Typer's own exits (0, 2 on usage), 1 or 2 on citedqa's errors."""
    try:
        app()
    except CitedQAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        sys.exit(exit_code(exc))
