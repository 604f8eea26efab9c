"""Files read ahead of the document being embedded: in order, in a thread of their own.

Reading a file means waiting on the parser process (`citedqa.isolation`), and for the
first file on its fork server importing the parsers (1-4 s). Waited for in the ingest
loop, that time sat on the encoder's path: 6.0 of 68 s (9%) of the bench's ingest at a
load average of 6. Here a reader thread asks for the next files while the loop embeds the
current one; the loop takes each file's outcome (its Document, or the error reading it
raised) in the order of the paths.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from citedqa.documents import load_document
from citedqa.models import Document

Parse = Callable[[str, str, bytes], Document]


class ReadAhead:
    """`load_document` of each path, up to `ahead` paths before the one the caller takes.

    Iterating yields (path, future) in the paths' order; `future.result()` is the Document
    or raises what `load_document` raised. `close` cancels what was not started.
    """

    def __init__(
        self,
        paths: Iterable[Path],
        base: Path,
        max_bytes: int | None,
        parse: Parse,
        ahead: int = 2,
    ) -> None:
        self._base, self._max_bytes, self._parse, self._ahead = base, max_bytes, parse, ahead
        self._todo = iter(paths)
        self._pending: deque[tuple[Path, Future[Document]]] = deque()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-reader")
        self._top_up()

    def _top_up(self) -> None:
        while len(self._pending) < self._ahead and (path := next(self._todo, None)) is not None:
            read = self._pool.submit(load_document, path, self._base, self._max_bytes, self._parse)
            self._pending.append((path, read))

    def __iter__(self) -> Iterator[tuple[Path, Future[Document]]]:
        while self._pending:
            path, read = self._pending.popleft()
            self._top_up()
            yield path, read

    def close(self) -> None:
        """Cancel the reads not started and wait for the one under way."""
        for _, read in self._pending:
            read.cancel()
        self._pool.shutdown(wait=True)
