"""A reverse proxy that lets through only requests bearing one token, as the nginx proxy in
front of Chroma does in docker-compose.yml; it records the Authorization header of each."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@contextmanager
def token_proxy(upstream: str, token: str) -> Iterator[tuple[int, list[str | None]]]:
    """Serve on a free 127.0.0.1 port; yields the port and the Authorization headers seen."""
    seen: list[str | None] = []
    client = httpx.Client(base_url=upstream, timeout=60)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != f"Bearer {token}":
                self._reply(401, {"Content-Type": "text/plain"}, b"missing or wrong token")
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            got = client.request(self.command, self.path, content=body, headers=headers)
            kept = {k: v for k, v in got.headers.items() if k.lower() not in _HOP_BY_HOP}
            self._reply(got.status_code, kept, got.content)

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() != "content-encoding":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()
        client.close()
