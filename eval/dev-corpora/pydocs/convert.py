"""Rebuild docs/ of the pydocs dev corpus from the Debian package python3.11-doc.

Needs: apt-get install python3.11-doc pandoc; run with `uv run python` (uses lxml).
Extracts the main content of each HTML page, drops navigation, headerlinks and anchors, and
converts it to Markdown with pandoc (no hard wrapping). The first line is the title.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PY = Path("/usr/share/doc/python3.11/html")

DOCS = {
    # doc_id: (path, xpath of main content)
    "logging": (PY / "howto/logging.html", "//div[@role='main']"),
    "regex": (PY / "howto/regex.html", "//div[@role='main']"),
    "functional": (PY / "howto/functional.html", "//div[@role='main']"),
    "descriptor": (PY / "howto/descriptor.html", "//div[@role='main']"),
    "faq-library": (PY / "faq/library.html", "//div[@role='main']"),
    "whatsnew310": (PY / "whatsnew/3.10.html", "//div[@role='main']"),
    "venv": (PY / "tutorial/venv.html", "//div[@role='main']"),
}


def _refdocs_converter() -> ModuleType:
    """refdocs' converter, whose HTML-to-Markdown steps this corpus shares."""
    path = Path(__file__).resolve().parents[2] / "corpora" / "refdocs" / "convert.py"
    spec = importlib.util.spec_from_file_location("refdocs_convert", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docs"
    _refdocs_converter().main(dest, DOCS)
