"""The service's readiness, measured at most once every few seconds.

`GET /health` is public (load balancers call it without a key), so it must cost nothing to
call: measuring on every request ran the embedder each time, and 32 clients polling it
moved query p95 from 64 ms to 831 ms (issue 16). One caller measures when the last
measurement is older than `ttl`; every other caller, meanwhile, gets the last one.

The store is asked in a thread of its own, with a deadline: a store that does not answer
(a Chroma server stopped mid-call, which its client waits on with no timeout, or an
embedded store stuck in its native code) makes `/health` say so in seconds instead of
hanging with it. A call still stuck is waited on again, never doubled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from citedqa.embedder import Embedder
from citedqa.errors import CitedQAError
from citedqa.store import Store


@dataclass(frozen=True, slots=True)
class Readiness:
    """What the last measurement found."""

    store: str  # "ok" or "down: <why>"
    embedder: str  # the model name, or "down: <why>"
    documents: int | None
    chunks: int | None

    @property
    def ok(self) -> bool:
        return self.store == "ok" and not self.embedder.startswith("down")


class HealthCheck:
    """Readiness of the store and the embedder, cached for `ttl` seconds."""

    def __init__(
        self, embedder: Embedder, store: Store, ttl: float = 2.0, store_deadline: float = 5.0
    ) -> None:
        self._embedder = embedder
        self._store = store
        self._ttl = ttl
        self._store_deadline = store_deadline
        self._probe: Future[tuple[int, int]] | None = None
        self._lock = threading.Lock()
        self._last: Readiness | None = None
        self._at = 0.0

    def readiness(self) -> Readiness:
        """The last measurement, measured anew when it is older than `ttl`."""
        last = self._last
        if last is not None and time.monotonic() - self._at < self._ttl:
            return last
        if not self._lock.acquire(blocking=last is None):
            return last  # type: ignore[return-value]  # another caller is measuring
        try:
            if self._last is not None and time.monotonic() - self._at < self._ttl:
                return self._last  # measured by the caller we waited for
            self._last, self._at = self._measure(), time.monotonic()
            return self._last
        finally:
            self._lock.release()

    def _measure(self) -> Readiness:
        try:
            self._embedder.encode(["ok"])
            embedder = self._embedder.model_name
        except Exception as exc:  # any failure of the model means not ready
            embedder = f"down: {exc}"
        if self._probe is None or self._probe.done():  # else: the last one is still stuck
            self._probe = _in_thread(
                lambda: (self._store.count_chunks(), self._store.count_documents())
            )
        try:
            chunks, documents = self._probe.result(timeout=self._store_deadline)
            return Readiness("ok", embedder, documents, chunks)
        except FutureTimeout:
            why = f"store not answering (no reply in {self._store_deadline:g} s)"
            return Readiness(f"down: {why}", embedder, None, None)
        except CitedQAError as exc:
            return Readiness(f"down: {exc.message}", embedder, None, None)


def _in_thread(call: Callable[[], tuple[int, int]]) -> Future[tuple[int, int]]:
    """`call()` in a daemon thread: one stuck for good must not keep the process from exiting."""
    future: Future[tuple[int, int]] = Future()

    def run() -> None:
        try:
            future.set_result(call())
        except BaseException as exc:  # handed to the waiter, whatever it is
            future.set_exception(exc)

    threading.Thread(target=run, name="health-store-probe", daemon=True).start()
    return future
