"""A `chroma run` server that a test can stop and start again on the same port and path."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx


class ChromaProcess:
    """One Chroma server: `start()` waits for its heartbeat, `stop()` terminates it."""

    def __init__(self, path: Path, port: int) -> None:
        beside_python = str(Path(sys.executable).parent)
        exe = shutil.which("chroma", path=beside_python) or shutil.which("chroma")
        if exe is None:
            raise RuntimeError("the `chroma` command is not installed")
        self.exe, self.path, self.port = exe, path, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        log = (self.path / "server.log").open("ab")
        where = ["--path", str(self.path / "db"), "--port", str(self.port), "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [self.exe, "run", *where],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not self._beats():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log_text = (self.path / "server.log").read_text()
                raise RuntimeError(f"chroma did not start: {log_text}")
            time.sleep(0.1)

    def _beats(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
            return httpx.get(url, timeout=1).is_success
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
