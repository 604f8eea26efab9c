"""`python -m ingest [PATH]`: ingest a folder (default `seeds/`) into the configured store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from citedqa.collections import check_name
from citedqa.errors import CitedQAError
from citedqa.settings import load_settings
from ingest.job import ingest_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("path", nargs="?", default="seeds", type=Path, help="folder or file")
    parser.add_argument(
        "--sync", action="store_true", help="also remove documents no longer under PATH"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--collection", help="collection to write, made if missing (default: CITEDQA_COLLECTION)"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.collection:
            update = {"collection": check_name(args.collection)}
            settings = settings.model_copy(update=update)
        summary = ingest_path(settings, args.path, show_progress=not args.quiet, sync=args.sync)
    except CitedQAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    print(summary.line())
    if summary.skipped:
        print(f"{len(summary.skipped)} file(s) skipped (not documents); see the messages above.")
    for name, reason in summary.unread.items():
        print(f"no text read from {name}: {reason}")
    if summary.failures:
        print(f"{len(summary.failures)} file(s) failed; see the messages above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
