"""Server-Sent Events for streamed answers: `delta`* then `final` then `done`, or `error`."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator

from fastapi.concurrency import iterate_in_threadpool
from starlette.requests import Request

from citedqa.errors import CitedQAError
from citedqa.models import Answer
from service.schemas import Problem, QueryResponse

log = logging.getLogger("citedqa")


def sse(event: str, data: object) -> str:
    """One SSE frame (JSON data on a single line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def answer_events(request: Request, items: Iterator[str | Answer]) -> AsyncIterator[str]:
    """Frames for a streamed answer; stops pulling from `items` once the client is gone."""
    stream = iterate_in_threadpool(items)
    try:
        async for item in stream:
            if await request.is_disconnected():
                break
            if isinstance(item, Answer):
                yield sse("final", QueryResponse.of(item).model_dump())
            elif item:
                yield sse("delta", {"text": item})
        else:
            yield sse("done", {})
    except CitedQAError as exc:
        problem = Problem(title=exc.title, status=exc.status_code, detail=exc.message)
        yield sse("error", problem.model_dump(exclude_none=True))
    except Exception:  # the stream has started: report in-band, never a stack trace
        log.exception("streamed answer failed")
        problem = Problem(
            title="Internal error", status=500, detail="the answer failed; see the log"
        )
        yield sse("error", problem.model_dump(exclude_none=True))
    finally:
        items_close = getattr(items, "close", None)
        if items_close is not None:
            items_close()  # generation stops when the client disconnects
