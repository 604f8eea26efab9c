"""`python -m service` as an operator runs it: --help, a busy port, and a header-size cap."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import ROOT, free_port, running_service

KEY = "cli-test-key"


def _env(data_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CITEDQA_DATA_DIR": str(data_dir),
        "CITEDQA_PORT": str(port),
        "CITEDQA_API_KEY": KEY,
        "CITEDQA_THREADS": "1",
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # the old `--help` started a server that never returned
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A real `python -m service` process (uvicorn, key required) on a free port."""
    tmp = tmp_path_factory.mktemp("cli")
    port = free_port()
    with running_service(_env(tmp / "data", port), tmp / "service.log", timeout=120):
        yield port, tmp


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_settings_and_starts_nothing(tmp_path: Path, flag: str) -> None:
    port = free_port()
    run = _run(_env(tmp_path / "data", port), flag)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage: python -m service")
    for variable in ("CITEDQA_PORT", "CITEDQA_HOST", "CITEDQA_WORKERS", "CITEDQA_API_KEY"):
        assert variable in run.stdout
    assert "Bearer or X-API-Key" in run.stdout  # the settings' descriptions
    assert not (tmp_path / "data").exists(), "--help opened the store"


def test_unknown_argument_is_a_usage_error(tmp_path: Path) -> None:
    run = _run(_env(tmp_path / "data", free_port()), "--port", "9000")
    assert run.returncode == 2 and "unrecognized arguments" in run.stderr


def test_busy_port_is_one_line_naming_port_and_setting(
    server: tuple[int, Path], tmp_path: Path
) -> None:
    port, _ = server
    run = _run(_env(tmp_path / "data", port), *[])
    assert run.returncode == 1, run.stderr  # was 139, a segfault after loading everything
    assert run.stderr.count("\n") == 1 and run.stdout == ""
    assert f"127.0.0.1:{port}" in run.stderr and "CITEDQA_PORT" in run.stderr
    assert "Address already in use" in run.stderr
    assert not (tmp_path / "data").exists(), "the store was loaded before the port was held"


def _raw_request(port: int, header_bytes: int, key: str | None = None) -> bytes:
    """A GET with one `X-Pad` header of `header_bytes`, and the reply (empty if none)."""
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    head = (
        f"GET /v1/documents HTTP/1.1\r\nHost: localhost\r\n{auth}"
        f"X-Pad: {'a' * header_bytes}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
            if b"\r\n\r\n" in reply and not reply.startswith(b"HTTP/1.1 431"):
                break  # a kept-alive 200: the head is enough
        return reply


def test_headers_over_16_kib_are_431_before_auth(server: tuple[int, Path]) -> None:
    port, _ = server
    refused = _raw_request(port, 17 * 1024)  # no key: the cap comes before the 401
    assert refused.startswith(b"HTTP/1.1 431"), refused[:200]
    assert b"connection: close" in refused.lower()
    head, _, body = refused.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()  # as every error is
    assert json.loads(body)["status"] == 431
    assert _raw_request(port, 15 * 1024).startswith(b"HTTP/1.1 401")
    assert _raw_request(port, 15 * 1024, KEY).startswith(b"HTTP/1.1 200")


def test_a_50_mb_header_is_refused_without_reading_it(server: tuple[int, Path]) -> None:
    port, _ = server
    total = 50_000_000
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /v1/documents HTTP/1.1\r\nHost: localhost\r\nX-Pad: ")
        piece = b"a" * 65536
        try:
            while sent < total:
                sent += sock.send(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            reply = sock.recv(65536)
        except ConnectionResetError:
            reply = b""  # the refusal may be lost to the reset of the unread rest
    assert sent < total, "the server read all 50 MB of header"
    assert reply in (b"",) or reply.startswith(b"HTTP/1.1 431")
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


def _response(sock: socket.socket) -> bytes:
    """One whole HTTP response (head and Content-Length body): a reply may come in pieces."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, data
        body += chunk
    return head + b"\r\n\r\n" + body


def test_the_cap_counts_heads_only(server: tuple[int, Path]) -> None:
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        # A 15 KiB head in 100-byte pieces: the budget adds up across reads, and holds.
        head = f"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Pad: {'a' * 15 * 1024}\r\n\r\n"
        for start in range(0, len(head), 100):
            sock.sendall(head[start : start + 100].encode())
        assert _response(sock).startswith(b"HTTP/1.1 200")
        # A 300 kB body is the body cap's business (here a 422 from the app), not this one.
        body = b'{"question": "' + b"q" * 300_000 + b'"}'
        sock.sendall(
            b"POST /v1/query HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + KEY.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        assert _response(sock).startswith(b"HTTP/1.1 422")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        # Pipelined requests in one write are each answered.
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n" * 3)
        replies = b""
        while replies.count(b"HTTP/1.1 200") < 3:
            chunk = sock.recv(65536)
            assert chunk, replies
            replies += chunk


def test_start_up_says_where_it_listens(server: tuple[int, Path]) -> None:
    port, tmp = server
    log = (tmp / "service.log").read_text(encoding="utf-8")
    assert f"listening on http://127.0.0.1:{port}" in log
