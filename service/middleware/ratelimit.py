"""Rate limits on the `limits` library: `per_minute` requests in any moving 60-second window.

The counts live where `CITEDQA_RATE_LIMIT_STORAGE` says: `memory://` (the default) keeps them
in this process, so behind several workers or replicas each enforces its own share; a shared
storage (`redis://host:6379`, `memcached://host:11211`, any URI `limits` knows) makes one
limit for all of them.
"""

from __future__ import annotations

import math
import time

from anyio import to_thread
from limits import RateLimitItemPerMinute
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from citedqa.errors import ConfigError


class RateLimiter:
    """Moving-window counts by client identity (a key's fingerprint or an address)."""

    def __init__(self, per_minute: int, storage_uri: str = "memory://") -> None:
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute)
        try:
            storage = storage_from_string(storage_uri)
            self._window = MovingWindowRateLimiter(storage)
        except (ConfigurationError, NotImplementedError) as exc:
            raise ConfigError(f"CITEDQA_RATE_LIMIT_STORAGE={storage_uri!r}: {exc}") from None
        # The synchronous storages: in memory, a call is cheaper than a hop to a thread (and
        # `limits`' async memory storage sweeps every key through a thread per request);
        # a networked one goes to a thread so the event loop never waits on it.
        self._in_memory = isinstance(storage, MemoryStorage)

    async def acquire(self, client: str) -> float:
        """0 when `client` may go ahead (the request is counted), else seconds until it may:
        when the oldest request in its window leaves it."""
        if self._in_memory:
            return self._acquire(client)
        return await to_thread.run_sync(self._acquire, client)

    def _acquire(self, client: str) -> float:
        if self._window.hit(self._item, client):
            return 0.0
        reset, _ = self._window.get_window_stats(self._item, client)
        return max(reset - time.time(), 0.001)


def retry_after(wait: float) -> str:
    """A `Retry-After` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
