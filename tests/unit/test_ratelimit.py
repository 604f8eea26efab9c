"""The moving-window rate limiter (`limits`): counts per client, Retry-After from the window."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from citedqa.errors import ConfigError
from service.middleware.ratelimit import RateLimiter, retry_after


def test_a_full_window_waits_until_its_oldest_request_leaves() -> None:
    async def run() -> None:
        limiter = RateLimiter(per_minute=2)
        assert [await limiter.acquire("a") for _ in range(2)] == [0.0, 0.0]
        wait = await limiter.acquire("a")
        assert 55 < wait <= 60  # the first request leaves the window a minute after it came
        assert retry_after(wait) == "60"
        assert await limiter.acquire("b") == 0.0, "another client has its own window"

    # In a thread of its own: a browser test's event loop may still run on this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()


def test_an_unknown_storage_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="CITEDQA_RATE_LIMIT_STORAGE"):
        RateLimiter(per_minute=2, storage_uri="nosuch://here")
