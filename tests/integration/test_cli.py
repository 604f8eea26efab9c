"""The `citedqa` console script, run as a user runs it: real subprocesses, real services."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app
from tests.helpers import ROOT, free_port, running_service, wait_until

CITEDQA = str(Path(sys.executable).with_name("citedqa"))
QUESTION = "Where did Putin and Kim meet?"
HEAVY_START_S = 300  # the embedder and store load in the child: slow on a busy machine


def citedqa(
    *args: str, timeout: float = HEAVY_START_S, **env: str
) -> subprocess.CompletedProcess[str]:
    """`citedqa ARGS` in a clean environment (no CITEDQA_* but `env`), wide, no colour."""
    return subprocess.run(
        [CITEDQA, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def url(api: httpx.Client) -> str:
    return str(api.base_url)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ask"],
        ["ingest"],
        ["serve"],
        ["eval"],
        ["documents"],
        ["documents", "list"],
        ["documents", "show"],
        ["documents", "upload"],
        ["documents", "delete"],
    ],
    ids=lambda c: " ".join(c) or "citedqa",
)
def test_every_command_has_help(command: list[str]) -> None:
    run = citedqa(*command, "--help", timeout=120)
    assert run.returncode == 0, run.stderr
    assert "usage:" in run.stdout.lower()


def test_a_usage_error_exits_2() -> None:
    assert citedqa("ask", "--top-k", "0", "Q", timeout=120).returncode == 2
    assert citedqa("frobnicate", timeout=120).returncode == 2
    assert citedqa("eval", "--split", "nope", timeout=120).returncode == 2


def test_ask_json_against_a_running_service(url: str, api: httpx.Client) -> None:
    run = citedqa("ask", QUESTION, "--json", "--url", url)
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert not reply["refused"] and reply["citations"]
    for citation in reply["citations"]:
        text = api.get(f"/v1/documents/{citation['doc_id']}").json()["text"]
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_prints_the_answer_then_numbered_citations(url: str, api: httpx.Client) -> None:
    run = citedqa("ask", QUESTION, CITEDQA_URL=url)
    assert run.returncode == 0, run.stderr
    reply = api.post("/v1/query", json={"question": QUESTION}).json()
    lines = run.stdout.splitlines()
    assert lines[0] == reply["answer"]
    for n, citation in enumerate(reply["citations"], start=1):
        heading = f"[{n}] {citation['doc_id']} {citation['title']}"
        assert any(line.startswith(heading) for line in lines), run.stdout
        assert f"“{citation['quote']}”" in run.stdout


def test_ask_stream_ends_with_the_verified_answer(url: str, api: httpx.Client) -> None:
    run = citedqa("ask", QUESTION, "--stream", "--json", "--url", url)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [e["event"] for e in events[:-1]] == ["delta"] * (len(events) - 1) and events[:-1]
    final = {k: v for k, v in events[-1].items() if k != "event"}
    assert final == api.post("/v1/query", json={"question": QUESTION}).json()
    printed = citedqa("ask", QUESTION, "--stream", "--url", url)
    assert printed.returncode == 0 and printed.stdout.splitlines()[0] == final["answer"]


def test_ask_refused_by_the_service_exits_2(url: str) -> None:
    run = citedqa("ask", "x" * 2001, "--url", url)
    assert run.returncode == 2
    assert "422" in run.stderr and "Traceback" not in run.stderr


def test_a_refusal_says_why_in_words(url: str) -> None:
    run = citedqa("ask", "What is the population of North Korea?", "--url", url)
    assert run.returncode == 0, run.stderr
    assert "No answer in the documents" in run.stdout
    assert "Why (focus_not_found): The passages found do not mention" in run.stdout


def test_a_given_url_that_does_not_answer_fails(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    run = citedqa("ask", QUESTION, CITEDQA_URL=down, CITEDQA_DATA_DIR=str(tmp_path))
    assert run.returncode == 1
    assert "error:" in run.stderr and down in run.stderr and "in-process" not in run.stderr


def test_a_data_dir_held_by_a_service_elsewhere_is_one_line(tmp_path: Path) -> None:
    """A service on another port holds the data dir: the in-process fallback says so in one
    line (it printed the app's start-up traceback)."""
    data = {"CITEDQA_DATA_DIR": str(tmp_path / "data")}
    with running_service(data, tmp_path / "service.log", timeout=HEAVY_START_S):
        run = citedqa("documents", "list", CITEDQA_PORT=str(free_port()), **data)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "--url" in run.stderr, run.stderr
    assert len([line for line in run.stderr.splitlines() if line.startswith("error:")]) == 1


def test_ingest_then_ask_in_process_with_no_service(tmp_path: Path) -> None:
    env = {"CITEDQA_DATA_DIR": str(tmp_path / "data"), "CITEDQA_PORT": str(free_port())}
    ingested = citedqa("ingest", "seeds", "--quiet", "--collection", "mine", **env)
    assert ingested.returncode == 0, ingested.stderr
    assert "5 added" in ingested.stdout
    elsewhere = citedqa("ask", QUESTION, "--json", **env)  # CITEDQA_COLLECTION unset
    assert json.loads(elsewhere.stdout)["refused"], elsewhere.stderr
    run = citedqa("ask", QUESTION, "--json", CITEDQA_COLLECTION="mine", **env)
    assert run.returncode == 0, run.stderr
    assert "running in-process" in run.stderr
    reply = json.loads(run.stdout)
    assert not reply["refused"] and reply["citations"]


def test_documents_upload_list_show_delete(settings: Settings, tmp_path: Path) -> None:
    note = tmp_path / "harbour.md"
    note.write_text("# Harbour\n\nThe harbour of Port Elmsby reopened on Tuesday.\n")
    with serve_app(create_app(settings)) as url:
        uploaded = citedqa("documents", "upload", str(note), "--url", url)
        assert uploaded.returncode == 0, uploaded.stderr
        assert "harbour" in uploaded.stdout and "added" in uploaded.stdout
        listed = citedqa("documents", "list", "--json", "--url", url)
        assert [d["doc_id"] for d in json.loads(listed.stdout)["documents"]] == ["harbour"]
        table = citedqa("documents", "list", "--url", url)
        assert (
            "harbour" in table.stdout
            and "Harbour" in table.stdout
            and "# Harbour" not in table.stdout
        )
        long_id = "harbour_authority_annual_report_of_the_port_of_elmsby_2024"
        report = tmp_path / f"{long_id}.md"
        report.write_text(f"# {'The annual report of the harbour authority ' * 4}\n\nShips came.\n")
        assert citedqa("documents", "upload", str(report), "--url", url).returncode == 0
        narrow = citedqa("documents", "list", "--url", url, COLUMNS="80")
        assert long_id in narrow.stdout, narrow.stdout  # whole: `show` and `delete` take it
        assert "chunks" in narrow.stdout and "outlet" in narrow.stdout, narrow.stdout
        gone = citedqa("documents", "delete", long_id, "--url", url)
        assert f"Deleted {long_id} (1 chunk)." in gone.stdout, gone.stdout
        shown = citedqa("documents", "show", "harbour", "--url", url)
        assert shown.returncode == 0 and "reopened on Tuesday" in shown.stdout
        missing = citedqa("documents", "show", "nope", "--url", url)
        assert missing.returncode == 1 and "404 Not found" in missing.stderr
        deleted = citedqa("documents", "delete", "harbour", "--json", "--url", url)
        assert json.loads(deleted.stdout)["doc_id"] == "harbour"
        assert json.loads(citedqa("documents", "list", "--json", "--url", url).stdout) == {
            "documents": [],
            "next_cursor": None,
        }


def test_documents_in_process_on_the_local_store(tmp_path: Path) -> None:
    env = {"CITEDQA_DATA_DIR": str(tmp_path / "data"), "CITEDQA_PORT": str(free_port())}
    note = tmp_path / "harbour.txt"
    note.write_text("The harbour of Port Elmsby reopened on Tuesday.\n")
    assert citedqa("documents", "upload", str(note), **env).returncode == 0
    listed = citedqa("documents", "list", "--json", **env)
    assert [d["doc_id"] for d in json.loads(listed.stdout)["documents"]] == ["harbour"]


def test_serve_listens_where_told(tmp_path: Path) -> None:
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "CITEDQA_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [CITEDQA, "serve", "--port", str(port)], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
            except httpx.TransportError:
                return server.poll() is not None

        wait_until(healthy, timeout=HEAVY_START_S, every=0.5)
        assert server.poll() is None, "citedqa serve exited"
    finally:
        server.terminate()
        # uvicorn shuts down, then re-raises the signal it caught.
        assert server.wait(60) in (0, -signal.SIGTERM)
