"""A fake LLM server speaking the real wire protocols: OpenAI chat completions and Ollama chat.

Tests set `reply` (what to answer, given the numbered passages the prompt held and the
request) and `delay`; every request is recorded with its headers.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

_PASSAGE = re.compile(r'<passage id="(\d+)">\n(.*?)\n</passage>', re.DOTALL)


@dataclass(frozen=True)
class Sent:
    """One request the fake received."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def passages(self) -> dict[int, str]:
        """Passage number -> its text, as the prompt numbered them."""
        return {int(n): html.unescape(t) for n, t in _PASSAGE.findall(self.prompt)}

    def cite(self, needle: str) -> int:
        """The number of the first passage holding `needle`."""
        return next(n for n, text in sorted(self.passages.items()) if needle in text)


SECRET = "sk-test-0123456789-do-not-leak"  # the LLM key the fakes expect; must never leak
QUESTION = {"question": "Where did Putin and Kim meet?"}  # answered from the seeds

Reply = Callable[[Sent], str]


@dataclass
class FakeLLM:
    """The fake's behaviour, changed by tests between requests."""

    reply: Reply = lambda sent: "NO_ANSWER"
    delay: float = 0.0
    status: int = 200  # anything else: an error body with this HTTP status
    url: str = ""  # where it is served
    sent: list[Sent] = field(default_factory=list)
    pieces_sent: int = 0  # streamed pieces written so far (to see a stream cut off)
    streams_ended: list[bool] = field(default_factory=list)  # per stream: ran to its end?

    def reset(self) -> None:
        """Back to answering NO_ANSWER at once, with nothing recorded."""
        self.reply, self.delay, self.status = FakeLLM.reply, 0.0, 200
        self.sent.clear()
        self.pieces_sent = 0
        self.streams_ended.clear()

    async def _answer(self, request: Request) -> tuple[dict[str, Any], str]:
        body = await request.json()
        sent = Sent(request.url.path, body, dict(request.headers))
        self.sent.append(sent)
        if self.delay:
            await asyncio.sleep(self.delay)
        return body, self.reply(sent)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def openai_chat(request: Request) -> Any:
            body, text = await self._answer(request)
            if self.status != 200:
                error = {"message": "fake failure", "type": "server_error", "code": None}
                return JSONResponse({"error": error}, status_code=self.status)
            if body.get("stream"):
                return StreamingResponse(
                    self._openai_stream(body, text), media_type="text/event-stream"
                )
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            }

        @app.post("/api/chat")
        async def ollama_chat(request: Request) -> Any:
            body, text = await self._answer(request)
            if self.status != 200:
                return JSONResponse({"error": "fake failure"}, status_code=self.status)
            if body.get("stream", True):  # Ollama streams unless told not to
                return StreamingResponse(
                    self._ollama_stream(body, text), media_type="application/x-ndjson"
                )
            return {
                "model": body["model"],
                "created_at": "2026-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": text},
                "done": True,
                "done_reason": "stop",
                "total_duration": 1000,
                "load_duration": 10,
                "prompt_eval_count": 100,
                "prompt_eval_duration": 500,
                "eval_count": 20,
                "eval_duration": 400,
            }

        return app

    async def _paced(self, text: str) -> Any:
        """The reply's pieces, one every 10 ms, counted; records whether the stream ran out.

        A stream the service abandons is closed or cancelled here, so `streams_ended` gets a
        False: tests wait for that instead of sleeping.
        """
        finished = False
        try:
            for piece in _pieces(text):
                yield piece
                self.pieces_sent += 1
                await asyncio.sleep(0.01)
            finished = True
        finally:
            self.streams_ended.append(finished)

    async def _openai_stream(self, body: dict[str, Any], text: str) -> Any:
        """`chat.completion.chunk` SSE frames, a few characters each, then [DONE]."""
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1}
        async for piece in self._paced(text):
            delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            yield f"data: {json.dumps({**base, 'model': body['model'], 'choices': [delta]})}\n\n"
        stop = {"index": 0, "delta": {}, "finish_reason": "stop"}
        yield f"data: {json.dumps({**base, 'model': body['model'], 'choices': [stop]})}\n\n"
        yield "data: [DONE]\n\n"

    async def _ollama_stream(self, body: dict[str, Any], text: str) -> Any:
        """Ollama's NDJSON chat stream: message pieces, then a `done` line."""
        async for piece in self._paced(text):
            line = {
                "model": body["model"],
                "created_at": "2026-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
            yield json.dumps(line) + "\n"
        done = {
            "model": body["model"],
            "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
        }
        yield json.dumps(done) + "\n"


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]
