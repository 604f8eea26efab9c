"""The eval's own logging: progress with `-v`, but never a library's debug lines."""

import subprocess
import sys

import pytest

from tests.helpers import ROOT

SCRIPT = """
import logging, sys
from eval.cli import _configure_logging
_configure_logging(sys.argv[1] == "-v")
import bm25s  # sets its own logger to DEBUG
for level in ("debug", "info", "warning"):
    getattr(logging.getLogger("bm25s"), level)("bm25s %s line", level)
"""


@pytest.mark.parametrize(("flag", "shown"), [("-v", ["info", "warning"]), ("-q", ["warning"])])
def test_eval_logs_no_debug_lines(flag: str, shown: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, flag], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert [line.split()[-2] for line in run.stderr.splitlines()] == shown
