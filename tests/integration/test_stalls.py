"""A stuck store never makes a stuck service (issue 16): /health answers, the process ends.

With the disk full, embedded Chroma hung in its native code holding the GIL: requests,
`/health` and SIGTERM all stopped working. These tests stop things the same ways: a
native call that holds the GIL (libc's `sleep` called through ctypes.PyDLL, which keeps
the GIL), a request that never ends, and a `chroma run` server frozen with SIGSTOP.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.chroma_process import ChromaProcess
from tests.helpers import ROOT, free_port, make_settings, served, wait_until

# `python -m service` as it is, with two routes added to the app it serves. (The guard is
# what multiprocessing asks of a script: the parse workers import the main module.)
STUCK_SERVICE = """
import ctypes, sys, time
from pathlib import Path
import service.__main__ as entry
import service.app as application

original = application.create_app

def create_app(settings):
    app = original(settings)

    @app.post("/freeze")
    def freeze() -> None:  # native code holding the GIL, as Chroma's did
        ctypes.PyDLL(None).sleep(600)

    @app.post("/hang")
    def hang() -> None:  # a request that never ends (it does not hold the GIL)
        Path(sys.argv[1]).touch()
        time.sleep(600)

    return app

if __name__ == "__main__":
    application.create_app = create_app  # serve() imports it from service.app when it starts
    sys.exit(entry.main([]))  # argv[1] is the test's marker file, not an option
"""


@contextmanager
def stuck_service(tmp_path: Path, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m service` (with /freeze and /hang) on a free port, its stderr in
    `tmp_path / "stderr"`; killed at the end."""
    port = free_port()
    script = tmp_path / "stuck_service.py"
    script.write_text(STUCK_SERVICE)
    variables = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CITEDQA_")},
        "CITEDQA_DATA_DIR": str(tmp_path / "data"),
        "CITEDQA_PORT": str(port),
        **env,
    }
    with (tmp_path / "stderr").open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "hanging")],
            cwd=ROOT,
            env=variables,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is not None or _healthy(url), timeout=300, every=0.5)
        assert proc.poll() is None, (tmp_path / "stderr").read_text()
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _send_and_forget(url: str) -> None:
    def post() -> None:
        with suppress(httpx.HTTPError):
            httpx.post(url, timeout=600)

    threading.Thread(target=post, daemon=True).start()


def test_a_process_stuck_holding_the_gil_dumps_its_stacks_and_exits(tmp_path: Path) -> None:
    with stuck_service(tmp_path, CITEDQA_STALL_TIMEOUT="10") as (proc, url):
        _send_and_forget(f"{url}/freeze")
        returncode = proc.wait(timeout=120)  # without the watchdog: frozen for 600 s
    stderr = (tmp_path / "stderr").read_text()
    assert returncode == 1
    assert "Timeout (0:00:10)!" in stderr
    assert " in freeze" in stderr  # where it stuck, for the operator


def test_sigterm_ends_the_process_even_with_a_request_that_never_ends(tmp_path: Path) -> None:
    with stuck_service(tmp_path, CITEDQA_SHUTDOWN_TIMEOUT="2") as (proc, url):
        _send_and_forget(f"{url}/hang")
        wait_until((tmp_path / "hanging").exists, timeout=60)
        proc.send_signal(signal.SIGTERM)
        returncode = proc.wait(timeout=120)  # uvicorn alone waits for the request: 600 s
    assert returncode == 1


def test_health_says_the_store_is_not_answering_instead_of_hanging(tmp_path: Path) -> None:
    chroma = ChromaProcess(tmp_path / "chroma", free_port())
    chroma.start()
    settings = make_settings(
        tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=chroma.port, collection="stall"
    )
    try:
        with served(settings) as api:
            assert api.get("/health").status_code == 200
            assert chroma.proc is not None
            chroma.proc.send_signal(signal.SIGSTOP)  # its client waits with no timeout
            try:
                # /health measures at most every 2 s; then the store gets 5 s to answer.
                wait_until(lambda: api.get("/health", timeout=30).status_code == 503, timeout=60)
                body = api.get("/health", timeout=30).json()
                assert body["store"] == "down: store not answering (no reply in 5 s)"
            finally:
                chroma.proc.send_signal(signal.SIGCONT)
            wait_until(lambda: api.get("/health").status_code == 200, timeout=60)
    finally:
        chroma.stop()
