"""Who may call what: API keys, the admin key for writes, rate limits, CORS.

Access is decided by path, before routing, so a route added later is protected by default:
only the paths in `PUBLIC_PATHS` / `PUBLIC_PREFIXES` are open. They are the health check
(for orchestrators), the web page and its static files (the page asks for the key itself),
and the API docs (`/docs`, `/redoc`, `/openapi.json` and the docs' own scripts: they describe
the API, they hold no data, and Swagger UI needs the schema to offer its "Authorize" button).

Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>` and are compared in
constant time. No key is ever logged or echoed: a rate limit bucket is keyed by a hash.

With rate limits on, `/health` is limited too, per address, in a budget of its own (never
spending a client's API budget) of at least `HEALTH_PER_MINUTE_FLOOR`: a probe a second from
one address always passes, a flood from one address is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import IntEnum

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citedqa.errors import CitedQAError, ForbiddenError, RateLimitedError, UnauthorizedError
from citedqa.settings import Settings
from service.api.problems import problem_of
from service.middleware.ratelimit import RateLimiter, retry_after

PUBLIC_PATHS = frozenset(
    {"/", "/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)
DOCS_ASSETS = "/docs/static"  # Swagger UI's and ReDoc's files (service.api.apidocs)
PUBLIC_PREFIXES = ("/static/", f"{DOCS_ASSETS}/")
HEALTH = "/health"
HEALTH_PER_MINUTE_FLOOR = 60
WRITE_PREFIX = "/v1/documents"  # POST (upload) and DELETE here are writes
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOW = "send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`"


class Role(IntEnum):
    """What a presented key proves."""

    NONE = 0  # no key, or a wrong one
    USER = 1  # CITEDQA_API_KEY
    ADMIN = 2  # CITEDQA_ADMIN_API_KEY


def is_public(path: str) -> bool:
    """Paths anyone may call, key or not (the allow-list above)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def is_write(method: str, path: str) -> bool:
    """Requests that change the collection: upload and delete."""
    in_documents = path == WRITE_PREFIX or path.startswith(WRITE_PREFIX + "/")
    return in_documents and method not in READ_METHODS


def presented_key(headers: Headers) -> str | None:
    """The key in `Authorization: Bearer` or, failing that, `X-API-Key`."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key", "").strip() or None


def _same(given: bytes, secret: str | None) -> bool:
    return secret is not None and hmac.compare_digest(given, secret.encode())


class Gate:
    """The access rules for one configuration."""

    def __init__(self, settings: Settings) -> None:
        self._user = settings.api_key.get_secret_value() if settings.api_key else None
        self._admin = settings.admin_api_key.get_secret_value() if settings.admin_api_key else None
        per_minute, storage = settings.rate_limit_per_minute, settings.rate_limit_storage
        self.limiter = RateLimiter(per_minute, storage) if per_minute else None
        self.probe_limiter = (
            RateLimiter(max(per_minute, HEALTH_PER_MINUTE_FLOOR), storage) if per_minute else None
        )

    def role(self, key: str | None) -> Role:
        """What `key` proves (both comparisons always run, in constant time)."""
        given = (key or "").encode()
        admin, user = _same(given, self._admin), _same(given, self._user)
        return Role.ADMIN if admin else Role.USER if user else Role.NONE

    def check(self, method: str, path: str, key: str | None, role: Role) -> CitedQAError | None:
        """Why this request may not go ahead, or None."""
        if is_write(method, path) and self._admin is not None:
            needed = Role.ADMIN
        elif self._user is not None:
            needed = Role.USER
        else:
            return None  # no key configured for this route
        if role >= needed:
            return None
        if role is Role.USER:
            return ForbiddenError("uploading and deleting documents needs the admin API key")
        if key is None:
            return UnauthorizedError(f"this route needs an API key: {HOW}")
        return UnauthorizedError(f"the API key is not valid: {HOW}")

    async def throttle(self, client: str) -> float:
        """0 when `client` may go ahead (its request is counted), else seconds to wait."""
        return await self.limiter.acquire(client) if self.limiter else 0.0

    async def throttle_probe(self, scope: Scope) -> float:
        """As `throttle`, for a `/health` call from this address (its own budget)."""
        if self.probe_limiter is None:
            return 0.0
        return await self.probe_limiter.acquire("health:" + client_id(None, Role.NONE, scope))

    def over_limit(self, wait: float, limiter: RateLimiter) -> tuple[CitedQAError, dict[str, str]]:
        """The 429 for a client that must wait `wait` seconds, and its Retry-After header."""
        seconds = retry_after(wait)
        error = RateLimitedError(
            f"over the limit of {limiter.per_minute} requests a minute; retry in {seconds} s"
        )
        return error, {"Retry-After": seconds}


def client_id(key: str | None, role: Role, scope: Scope) -> str:
    """Rate limit identity: the key's fingerprint when valid, else the client's address."""
    if key and role is not Role.NONE:
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


class Guard:
    """Middleware: rate limit, then authenticate and authorise, every non-public path."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self._public(scope, receive, send)
            return
        send = _nosniff(send)
        key = presented_key(Headers(scope=scope))
        role = self.gate.role(key)
        headers: dict[str, str] = {}
        # Throttled first, so guessing keys spends the guesser's own (address) budget.
        wait = await self.gate.throttle(client_id(key, role, scope))
        denied: CitedQAError | None
        if wait and self.gate.limiter is not None:
            denied, headers = self.gate.over_limit(wait, self.gate.limiter)
        else:
            denied = self.gate.check(scope["method"], scope["path"], key, role)
        if denied is None:
            await self.app(scope, receive, send)
            return
        if isinstance(denied, UnauthorizedError):
            headers["WWW-Authenticate"] = (
                'Bearer realm="citedqa"' if key is None else 'Bearer error="invalid_token"'
            )
        await problem_of(denied, headers)(scope, receive, send)

    async def _public(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Open paths go ahead; only `/health` counts against its own per-address budget."""
        probe = self.gate.probe_limiter
        if scope["type"] == "http" and scope["path"] == HEALTH and probe is not None:
            wait = await self.gate.throttle_probe(scope)
            if wait:
                error, over = self.gate.over_limit(wait, probe)
                await problem_of(error, over)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _nosniff(send: Send) -> Send:
    """`send` adding `X-Content-Type-Options: nosniff`: JSON quoting a document's `<script>`
    is never sniffed into HTML by a browser."""

    async def hardened(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).setdefault("X-Content-Type-Options", "nosniff")
        await send(message)

    return hardened


def install_security(app: FastAPI, settings: Settings) -> None:
    """The guard, and CORS around it when origins are configured (so 401s are readable)."""
    app.add_middleware(Guard, gate=Gate(settings))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "WWW-Authenticate"],
        )
