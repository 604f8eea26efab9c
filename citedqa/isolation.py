"""Untrusted files are parsed in worker processes, each parse with a time limit (issue 16).

Parsers of untrusted bytes can be made slow at will: one HTML element with 40,000
attributes (430 KB) kept trafilatura busy for 90 s, and in the serving process that held
the GIL and stalled every query. Here the parse runs in a worker process instead: the
serving process only waits on a pipe, and a parse over the limit kills its worker (pebble
starts a replacement) and refuses the file with a clear reason.

Workers are forked from a fork server that imported the parsers once, so a replacement is
warm at once, and no worker is ever forked from a process running Chroma's, onnxruntime's
or uvicorn's threads. A small file costs well under a millisecond more than in-process.
As with any multiprocessing start method but fork, a script (not `python -m`) that builds
the pool must keep its own start-up under `if __name__ == "__main__":`: each worker
imports the main module.

pebble is LGPL-3.0, used unmodified as a library.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from citedqa.documents import parse_document
from citedqa.errors import InvalidInputError
from citedqa.models import Document
from citedqa.ocr import OCR_OFF, OcrOptions

# Imported once by the fork server, before it forks any worker.
_PRELOAD = ["citedqa.documents", "trafilatura", "pypdfium2"]


class ParserPool:
    """`parse_document` in `workers` warm processes, each call limited to `timeout` seconds.

    OCR of scanned pages (`ocr`) runs in the worker too, under the same limit: a scan of many
    pages (about 5 s a page) needs a larger CITEDQA_PARSE_TIMEOUT.
    """

    def __init__(self, workers: int, timeout: float, ocr: OcrOptions = OCR_OFF) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        self._timeout = timeout
        self._ocr = ocr
        self._pool = ProcessPool(max_workers=workers, context=context)
        # Starting the fork server imports the parsers (1-4 s): beside the caller's own
        # start-up, not in it, and not on the first upload.
        self._warming = threading.Thread(target=self._warm_up, name="parser-warm-up")
        self._warming.start()

    def _warm_up(self) -> None:
        # A Ctrl-C during start-up stops the fork server mid-import: nothing to report then.
        with contextlib.suppress(Exception):
            self.parse("warm-up", ".txt", b"warm")

    def parse(self, doc_id: str, suffix: str, raw: bytes) -> Document:
        """`parse_document(doc_id, suffix, raw, ocr)` in a worker; its errors are raised here."""
        future = self._pool.schedule(
            parse_document, (doc_id, suffix, raw, self._ocr), timeout=self._timeout
        )
        try:
            return future.result()
        except FutureTimeout:
            raise InvalidInputError(f"parsing took longer than {self._timeout:g} s") from None
        except ProcessExpired as exc:  # killed from outside, out of memory, a crash in C
            raise InvalidInputError(f"the parser died (exit code {exc.exitcode})") from None

    def close(self) -> None:
        """Stop the workers, a parse under way included."""
        self._warming.join()
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
        self._pool.join(timeout=5)
