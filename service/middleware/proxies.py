"""Which proxies' `X-Forwarded-For` uvicorn believes: none unless `CITEDQA_TRUSTED_PROXIES`.

uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local client could name
itself a fresh address on every request and dodge the per-address rate limit. Here the
header is ignored unless proxies are configured, and then believed from those alone.
"""

from __future__ import annotations

from typing import TypedDict

from citedqa.settings import Settings


class ProxyOptions(TypedDict):
    """The keyword arguments of `uvicorn.run` about proxies."""

    proxy_headers: bool
    forwarded_allow_ips: list[str] | None


def proxy_options(settings: Settings) -> ProxyOptions:
    """`uvicorn.run(..., **proxy_options(settings))`."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": None}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}
