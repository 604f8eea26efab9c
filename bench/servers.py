"""Servers under test, each in its own process on a free 127.0.0.1 port, always stopped.

A server's memory is read from /proc/PID/status (VmRSS now, VmHWM its peak), so it is the
server's alone, not the load generator's.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.jobs import child_env

STOP_TIMEOUT_S = 10.0


class ServerFailed(RuntimeError):
    """A server did not come up; the message ends with its log's last lines."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0  # kB
    return 0.0


@dataclass
class Server:
    """A running server process."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    startup_s: float = 0.0

    def rss_mb(self) -> float:
        """Resident memory now (VmRSS), MB."""
        return _status_mb(self.proc.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        """Peak resident memory so far (VmHWM), MB."""
        return _status_mb(self.proc.pid, "VmHWM")

    def tail(self, lines: int = 15) -> str:
        """The last lines of its log."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise ServerFailed(
                f"{server.name} exited with {server.proc.returncode}\n{server.tail()}"
            )
        try:
            if httpx.get(server.url + path, timeout=30.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerFailed(f"{server.name} not ready within {timeout:.0f}s\n{server.tail()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully on SIGTERM
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def serve(
    name: str,
    args: list[str],
    workdir: Path,
    env: dict[str, str] | None = None,
    ready_path: str = "/health",
    timeout: float = 300.0,
) -> Iterator[Server]:
    """Run `python -m <args>` (with `{port}` filled in) until it answers `ready_path` with 200."""
    port = free_port()
    log = workdir / f"server-{name}-{port}.log"
    extra = {k: v.format(port=port) for k, v in (env or {}).items()}
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *(a.format(port=port) for a in args)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_env(**extra),
            cwd=workdir,
        )
    server = Server(name, f"http://127.0.0.1:{port}", proc, log)
    try:
        _wait_ready(server, ready_path, timeout)
        server.startup_s = time.perf_counter() - started
        yield server
    finally:
        _stop(proc)


def citedqa_server(
    data_dir: Path, collection: str, workdir: Path
) -> AbstractContextManager[Server]:
    """`python -m service` over the given store, default settings otherwise."""
    env = {
        "CITEDQA_DATA_DIR": str(data_dir),
        "CITEDQA_COLLECTION": collection,
        "CITEDQA_HOST": "127.0.0.1",
        "CITEDQA_PORT": "{port}",
    }
    return serve("citedqa", ["service"], workdir, env)


def bare_server(path: Path, collection: str, workdir: Path) -> AbstractContextManager[Server]:
    """The bare llama-index service (bench.bare_app) over the given Chroma directory."""
    args = ["bench.bare_app", "--path", str(path), "--collection", collection, "--port", "{port}"]
    return serve("bare", args, workdir)
