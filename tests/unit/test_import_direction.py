"""Imports go one way (citedqa <- ingest <- service, eval), and `citedqa --help` is light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a package may not import: the core imports none of the programs, ingest no server.
FORBIDDEN = {"citedqa": {"service", "ingest", "eval"}, "ingest": {"service", "eval"}}
# Loaded only by the command that needs them, never to print help.
HEAVY = ("chromadb", "onnxruntime", "llama_index", "spacy", "bm25s", "uvicorn", "fastapi")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (anywhere in it, lazily too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_it_must_not(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_checker_sees_a_lazy_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from service.app import create_app\n")
    assert imported(module) == {"service"}


def test_the_command_line_loads_nothing_heavy_for_help() -> None:
    code = (
        "import sys\n"
        "from service.cli import app\n"
        "from typer.main import get_command\n"
        "get_command(app)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
