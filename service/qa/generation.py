"""How in-memory state keeps up with the store: its generation token, polled cheaply,
and rebuilds that run in the background."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from citedqa.errors import CitedQAError
from citedqa.store import Store

log = logging.getLogger(__name__)


class GenerationClock:
    """`current()` is the store's generation token, read from Chroma at most every
    `check_every` seconds; `expire()` makes the next call read it (after our own writes)."""

    def __init__(self, store: Store, check_every: float = 1.0) -> None:
        self._store = store
        self._check_every = check_every
        self._lock = threading.Lock()
        self._token: str | None = None
        self._read_at = 0.0

    def current(self) -> str:
        """The generation token, at most `check_every` seconds old."""
        now = time.monotonic()
        with self._lock:
            if self._token is not None and now - self._read_at < self._check_every:
                return self._token
        token = self._store.generation()
        with self._lock:
            self._token, self._read_at = token, now
        return token

    def expire(self) -> None:
        """Read the token from the store on the next `current()`."""
        with self._lock:
            self._token = None


class BackgroundJob:
    """Runs `job` on a background thread when asked, never two at a time. A failure is
    logged and leaves the holder's previous state in use; the job is not started again
    for `retry_after` seconds (a store that is down is not hammered by every request)."""

    def __init__(self, job: Callable[[], object], name: str, retry_after: float = 5.0) -> None:
        self._job = job
        self._name = name
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failed_at: float | None = None

    def start(self) -> None:
        """Start the job unless it is running or failed less than `retry_after` s ago."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            failed = self._failed_at
            if failed is not None and time.monotonic() - failed < self._retry_after:
                return
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._job()
        except Exception as exc:  # any failure: keep serving from the previous state
            message = exc.message if isinstance(exc, CitedQAError) else repr(exc)
            log.warning("%s failed: %s", self._name, message)
            self._failed_at = time.monotonic()
        else:
            self._failed_at = None
