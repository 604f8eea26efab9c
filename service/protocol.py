"""uvicorn's httptools protocol with the request head (request line and headers) capped.

httptools has no header limit: a 50 MB header was read into memory before the API key was
even looked at. This protocol feeds the parser at most the head's remaining budget at a
time, and answers 431 and closes the connection once a head outgrows `MAX_HEADER_BYTES`,
before any ASGI code (auth included) runs. uvicorn's h11 protocol has such a cap
(`h11_max_incomplete_event_size`) but parses a request in ~290 us against httptools' ~7 us;
the budget costs one comparison per read while a head is open, and nothing while a body
streams (bodies have their own cap, `service.middleware.limits`).
"""

from __future__ import annotations

import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 16 * 1024
# An RFC 9457 problem like every other error, written here: no app code runs for it.
_MESSAGE = (
    '{"type":"about:blank","title":"Request Header Fields Too Large","status":431,'
    f'"detail":"the request line and headers are over the {MAX_HEADER_BYTES:,}-byte limit"}}'
).encode()
_REFUSAL = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/problem+json\r\n"
    b"content-length: " + str(len(_MESSAGE)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _MESSAGE
)

log = logging.getLogger(__name__)


class HeadCappedHttpToolsProtocol(HttpToolsProtocol):
    """httptools, refusing (431, connection closed) a request head over MAX_HEADER_BYTES."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bytes read of the current head; None while a body streams (it is not capped here).
        self._head_bytes: int | None = 0
        self._heads_done = 0

    def data_received(self, data: bytes) -> None:
        pos = 0
        while pos < len(data) and not self.transport.is_closing():
            if self._head_bytes is None:  # inside a body: feed the rest at once
                super().data_received(data[pos:] if pos else data)
                return
            # Never more than the head may still grow by: a head still open after the
            # step has used its whole budget, so it is over the cap.
            step = data[pos : pos + MAX_HEADER_BYTES - self._head_bytes]
            heads_done = self._heads_done
            super().data_received(step)
            pos += len(step)
            if self._heads_done == heads_done and self._head_bytes is not None:
                self._head_bytes += len(step)
                if self._head_bytes >= MAX_HEADER_BYTES:
                    self._refuse()
                    return

    def on_headers_complete(self) -> None:
        self._heads_done += 1
        self._head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._head_bytes = 0
        super().on_message_complete()

    def _refuse(self) -> None:
        log.warning("request headers over %d bytes: refused with 431", MAX_HEADER_BYTES)
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(_REFUSAL)
        # (a pipelined head while a response is still being written: just close)
        self.transport.close()
