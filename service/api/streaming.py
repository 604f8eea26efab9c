"""Server-Sent Events for streamed answers: `delta`* then `final` then `done`, or `error`.

The answer is produced by a blocking iterator (an LLM stream, say). It runs in a thread of
its own that hands items to the event loop and checks a stop flag between items: when the
client goes away, the flag is set, the thread closes the iterator at its next item, and
closing it closes the LLM request, so generation stops instead of running on unread.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Generator

from starlette.requests import Request

from citedqa.errors import CitedQAError
from citedqa.models import Answer
from service.api.schemas import Problem, QueryResponse

log = logging.getLogger("citedqa")
_END = object()


def sse(event: str, data: object) -> str:
    """One SSE frame (JSON data on a single line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _produce(
    items: Generator[str | Answer, None, None],
    stop: threading.Event,
    hand: Callable[[object], None],
) -> None:
    """Drive `items` in this thread, handing each item (or the failure) to the loop."""
    try:
        for item in items:
            if stop.is_set():
                break
            hand(item)
    except Exception as exc:  # delivered to the client as an `error` event
        hand(exc)
    finally:
        items.close()
        if stop.is_set():
            # llama-index's stream wrappers sit in a reference cycle, so the HTTP response
            # from the LLM is only closed when the cycle is collected: collect it now.
            gc.collect()
        hand(_END)


async def answer_events(
    request: Request, items: Generator[str | Answer, None, None]
) -> AsyncIterator[str]:
    """Frames for a streamed answer; generation stops once the client is gone."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    stop = threading.Event()

    def hand(item: object) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(queue.put_nowait, item)

    threading.Thread(target=_produce, args=(items, stop, hand), daemon=True).start()
    try:
        while (item := await queue.get()) is not _END:
            if await request.is_disconnected():
                break
            if isinstance(item, Answer):
                yield sse("final", QueryResponse.of(item).model_dump())
            elif isinstance(item, CitedQAError):
                problem = Problem(title=item.title, status=item.status_code, detail=item.message)
                yield sse("error", problem.model_dump(exclude_none=True))
                return
            elif isinstance(item, Exception):
                log.error("streamed answer failed", exc_info=item)
                detail = "the answer failed; see the server log"
                yield sse(
                    "error",
                    Problem(title="Internal error", status=500, detail=detail).model_dump(
                        exclude_none=True
                    ),
                )
                return
            elif item:
                yield sse("delta", {"text": item})
        else:
            yield sse("done", {})
    finally:
        stop.set()
