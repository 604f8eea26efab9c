"""Server-Sent Events for streamed answers: `delta`* then `final` then `done`, or `error`.

sse-starlette frames the events, pings idle streams and watches for the client leaving (then
it cancels the event stream). The answer is produced by a blocking iterator (an LLM stream,
say). It runs in a thread of its own that hands items to the event loop and checks a stop
flag between items: when the event stream ends, cancelled or not, the flag is set, the thread
closes the iterator at its next item, and closing it closes the LLM request, so generation
stops instead of running on unread. (The library's own thread pool iteration of a blocking
iterator could not do that: a generator cannot be closed while a thread is inside it.)
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Generator

from sse_starlette import EventSourceResponse

from citedqa.errors import CitedQAError
from citedqa.models import Answer
from service.api.schemas import Problem, QueryResponse

log = logging.getLogger("citedqa")
_END = object()


Event = dict[str, str]  # `data` and optionally `event`: sse-starlette frames it


def sse(event: str, data: object) -> Event:
    """One event, its data JSON on a single line."""
    return {"event": event, "data": json.dumps(data, ensure_ascii=False)}


def event_stream(events: AsyncIterator[Event]) -> EventSourceResponse:
    """The response streaming `events` (frames end in `\n\n`, as before the library)."""
    return EventSourceResponse(events, sep="\n", headers={"Cache-Control": "no-cache"})


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
    items: Generator[str | Answer, None, None],
) -> AsyncIterator[Event]:
    """Events for a streamed answer; generation stops once the client is gone."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    stop = threading.Event()

    def hand(item: object) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(queue.put_nowait, item)

    threading.Thread(target=_produce, args=(items, stop, hand), daemon=True).start()
    try:
        while (item := await queue.get()) is not _END:
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
