"""Embedded Chroma is one process's: a second `python -m ingest` or `python -m service` on the
same data directory is refused with a one-line message, and server mode takes no lock."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citedqa.components import make_embedder, open_store
from tests.helpers import ROOT, SEEDS, free_port, make_settings, running_service


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CITEDQA_")}
    return clean | {"CITEDQA_DATA_DIR": str(data_dir), "CITEDQA_THREADS": "1"} | extra


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def service_on_data_dir(tmp_path: Path) -> Iterator[Path]:
    """`python -m service` on its own embedded data directory, up and answering."""
    data_dir = tmp_path / "data"
    with running_service(_env(data_dir), tmp_path / "service.log", timeout=120):
        yield data_dir


def _refused(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "CITEDQA_CHROMA_HOST" in lines[0] and "POST /v1/documents" in lines[0]


def test_a_second_process_on_the_data_dir_is_refused(service_on_data_dir: Path) -> None:
    data_dir = service_on_data_dir
    _refused(_run(["ingest", str(SEEDS), "--quiet"], _env(data_dir)))
    _refused(_run(["service"], _env(data_dir, CITEDQA_PORT=str(free_port()))))


def test_the_lock_goes_with_the_process(tmp_path: Path) -> None:
    """An ingest that ran leaves nothing that refuses the next one."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("The harbour reopened on Tuesday after the storm.")
    for _ in range(2):
        run = _run(["ingest", str(corpus), "--quiet"], _env(tmp_path / "data"))
        assert run.returncode == 0, run.stderr


def test_server_mode_takes_no_lock(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = chroma_server
    settings = make_settings(tmp_path / "data", chroma_host=host, chroma_port=port)
    open_store(settings, make_embedder(settings))
    assert not (tmp_path / "data").exists()
