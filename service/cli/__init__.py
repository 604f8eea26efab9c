"""`citedqa`: the command line (`[project.scripts]` in pyproject.toml).

`citedqa ask`, `citedqa documents ...` talk to a running service through `citedqa.client`
(or run the app in-process on the local data dir when none answers); `citedqa ingest`,
`serve` and `eval` run `python -m ingest`, `python -m service` and `python -m eval`. Only
Typer, rich and the client are imported up front: `--help` starts nothing, and the store,
the embedder and the app are loaded by the command that needs them.
"""

from service.cli.app import app, main

__all__ = ["app", "main"]
