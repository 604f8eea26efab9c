"""Who may call what: API keys (service.middleware.keys), their roles and collections, rate
limits, CORS.

Access is decided by path, before routing (`needs`), so a route added later is protected by
default: only the paths in `PUBLIC_PATHS` / `PUBLIC_PREFIXES` are open. A route under
`/v1/collections/{name}` that a key may not see answers 404, as a collection that does not
exist (a 403 would tell the key it exists); one it sees with too low a role answers 403.
The public paths are the health check (for orchestrators), the web page and its static
files (the page asks for the key itself), and the API docs (`/docs`, `/redoc`,
`/openapi.json` and the docs' own scripts: they describe the API, they hold no data, and
Swagger UI needs the schema to offer its "Authorize" button).

Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>` and are compared in
constant time. No key is ever logged or echoed: a rate limit bucket is keyed by a hash.

With rate limits on, `/health` is limited too, per address, in a budget of its own (never
spending a client's API budget) of at least `HEALTH_PER_MINUTE_FLOOR`: a probe a second from
one address always passes, a flood from one address is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citedqa.collections import missing
from citedqa.errors import CitedQAError, ForbiddenError, RateLimitedError, UnauthorizedError
from citedqa.settings import Settings
from service.api.problems import problem_of
from service.middleware.keys import NOBODY, Grant, Keyring, Role
from service.middleware.ratelimit import RateLimiter, retry_after

PUBLIC_PATHS = frozenset(
    {"/", "/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)
DOCS_ASSETS = "/docs/static"  # Swagger UI's and ReDoc's files (service.api.apidocs)
PUBLIC_PREFIXES = ("/static/", f"{DOCS_ASSETS}/")
HEALTH = "/health"
HEALTH_PER_MINUTE_FLOOR = 60
WRITE_PREFIX = "/v1/documents"  # POST (upload) and DELETE here are writes
COLLECTIONS = "/v1/collections"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOW = "send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`"
_ASKING = frozenset({"query", "retrieve"})  # POSTs that only read


def is_public(path: str) -> bool:
    """Paths anyone may call, key or not (the allow-list above)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@dataclass(frozen=True, slots=True)
class Need:
    """What a request needs: a role, in a collection (None: in none in particular; the
    route itself checks a collection named in the body), which is hidden when the path
    names it (out of scope: 404, not 403)."""

    role: Role
    collection: str | None = None
    hidden: bool = False


def needs(method: str, path: str, default: str) -> Need:
    """The role and collection a request needs (`default`: CITEDQA_COLLECTION)."""
    reading = method in READ_METHODS
    if path == WRITE_PREFIX or path.startswith(WRITE_PREFIX + "/"):
        return Need(Role.READ if reading else Role.WRITE, default)
    if path in ("/v1/query", "/v1/retrieve"):
        return Need(Role.READ, default)
    if path.rstrip("/") == COLLECTIONS:
        return Need(Role.READ if reading else Role.ADMIN)
    if path.startswith(COLLECTIONS + "/"):
        name, _, rest = path[len(COLLECTIONS) + 1 :].partition("/")
        if not rest:  # the collection itself: DELETE
            return Need(Role.READ if reading else Role.ADMIN, name, hidden=True)
        asking = rest in _ASKING or reading
        return Need(Role.READ if asking else Role.WRITE, name, hidden=True)
    return Need(Role.READ)  # /v1/models, /v1/chat/completions (the model: the route), /metrics


def is_write(method: str, path: str) -> bool:
    """Requests that change a collection or the set of them."""
    return needs(method, path, "").role >= Role.WRITE


def presented_key(headers: Headers) -> str | None:
    """The key in `Authorization: Bearer` or, failing that, `X-API-Key`."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key", "").strip() or None


class Gate:
    """The access rules for one configuration."""

    def __init__(self, settings: Settings) -> None:
        self.keyring = Keyring(settings)
        self._default = settings.collection
        per_minute, self._storage = settings.rate_limit_per_minute, settings.rate_limit_storage
        self.limiter = RateLimiter(per_minute, self._storage) if per_minute else None
        self.probe_limiter = (
            RateLimiter(max(per_minute, HEALTH_PER_MINUTE_FLOOR), self._storage)
            if per_minute
            else None
        )
        self._own_limits: dict[int, RateLimiter] = {}  # keys with a limit of their own

    def grant(self, key: str | None) -> Grant:
        """What a request with `key` may do (what no key may, when it is no known key)."""
        return self.keyring.identify(key) or self.keyring.anonymous

    def check(self, method: str, path: str, key: str | None, grant: Grant) -> CitedQAError | None:
        """Why this request may not go ahead, or None."""
        need = needs(method, path, self._default)
        where = need.collection
        if grant.role >= need.role and (where is None or grant.may_see(where)):
            return None
        if not grant.fingerprint:  # no key, or one we do not know
            if key is None:
                return UnauthorizedError(f"this route needs an API key: {HOW}")
            return UnauthorizedError(f"the API key is not valid: {HOW}")
        if where is not None and need.hidden and not grant.may_see(where):
            return missing(where)
        if where is not None and not grant.may_see(where):
            return ForbiddenError(f"this API key may not use collection {where!r}")
        return ForbiddenError(
            f"this needs a key with role {need.role.name.lower()}"
            + (
                " (uploading and deleting documents needs the admin API key)"
                if need.role is Role.WRITE and grant.collections is None
                else ""
            )
        )

    def limiter_for(self, grant: Grant) -> RateLimiter | None:
        """The rate limiter of a key: its own limit's, else the service's."""
        if grant.per_minute is None:
            return self.limiter
        own = self._own_limits.get(grant.per_minute)
        if own is None:
            own = self._own_limits[grant.per_minute] = RateLimiter(grant.per_minute, self._storage)
        return own

    async def throttle_probe(self, scope: Scope) -> float:
        """0 when this `/health` call may go ahead (its own per-address budget), else seconds
        to wait."""
        if self.probe_limiter is None:
            return 0.0
        return await self.probe_limiter.acquire("health:" + client_id(NOBODY, scope))

    def over_limit(self, wait: float, limiter: RateLimiter) -> tuple[CitedQAError, dict[str, str]]:
        """The 429 for a client that must wait `wait` seconds, and its Retry-After header."""
        seconds = retry_after(wait)
        error = RateLimitedError(
            f"over the limit of {limiter.per_minute} requests a minute; retry in {seconds} s"
        )
        return error, {"Retry-After": seconds}


def client_id(grant: Grant, scope: Scope) -> str:
    """Rate limit identity: the key's fingerprint when valid, else the client's address."""
    if grant.fingerprint:
        return "key:" + grant.fingerprint
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
        grant = self.gate.grant(key)
        headers: dict[str, str] = {}
        # Throttled first, so guessing keys spends the guesser's own (address) budget.
        limiter = self.gate.limiter_for(grant)
        wait = await limiter.acquire(client_id(grant, scope)) if limiter else 0.0
        denied: CitedQAError | None
        if wait and limiter is not None:
            denied, headers = self.gate.over_limit(wait, limiter)
        else:
            denied = self.gate.check(scope["method"], scope["path"], key, grant)
        if denied is None:
            scope.setdefault("state", {})["grant"] = grant  # for routes that filter by scope
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
