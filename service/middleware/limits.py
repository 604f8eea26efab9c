"""The request body cap, enforced before the body is read.

A declared `Content-Length` over the cap is refused at once, without reading a byte; a body
sent without one (chunked) is counted as it streams in and refused the moment it passes
the cap. Uploads (`POST /v1/documents`) may be larger: up to `max_upload_files` files of
`max_file_bytes` each, plus `max_body_bytes` for the multipart framing.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citedqa.settings import Settings
from service.api.problems import problem_of_http

UPLOAD_PATH = "/v1/documents"


class BodyTooLarge(HTTPException):
    """A request body over the cap (raised from `receive`, so FastAPI passes it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the {limit:,}-byte limit")


class BodyLimit:
    """Middleware: 413 problem for bodies over the cap of their route."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.max_upload = settings.max_upload_files * settings.max_file_bytes + self.max_body

    def limit_for(self, scope: Scope) -> int:
        """The cap for this request's body."""
        upload = scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH
        return self.max_upload if upload else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await problem_of_http(BodyTooLarge(limit))(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:  # read outside a route (no handler turned it into a 413)
            if started:
                raise
            await problem_of_http(exc)(scope, receive, send)
