"""X-Forwarded-For is believed only from configured proxies (real HTTP, real uvicorn)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.helpers import running_service

LIMITED = {"CITEDQA_RATE_LIMIT_PER_MINUTE": "2", "CITEDQA_THREADS": "1"}


def statuses_from_rotating_addresses(url: str) -> list[int]:
    """Four reads, each claiming to come from another address."""
    with httpx.Client(base_url=url, timeout=60) as api:
        return [
            api.get("/v1/documents", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(4)
        ]


def test_a_local_client_cannot_rotate_addresses_to_dodge_the_limit(tmp_path: Path) -> None:
    env = {**LIMITED, "CITEDQA_DATA_DIR": str(tmp_path / "data")}
    with running_service(env, tmp_path / "service.log") as url:
        assert statuses_from_rotating_addresses(url) == [200, 200, 429, 429]


def test_a_configured_proxy_is_believed(tmp_path: Path) -> None:
    env = {
        **LIMITED,
        "CITEDQA_DATA_DIR": str(tmp_path / "data"),
        "CITEDQA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
    }
    with running_service(env, tmp_path / "service.log") as url:
        assert statuses_from_rotating_addresses(url) == [200, 200, 200, 200]
