"""The store's generation token, polled cheaply: how in-memory state notices other writers."""

from __future__ import annotations

import threading
import time

from citedqa.store import Store


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
