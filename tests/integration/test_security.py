"""API keys, the admin key, rate limits, CORS, and secrets that never leak."""

from __future__ import annotations

import logging
import re

import pytest

from citedqa.settings import Settings
from service.middleware.security import HEALTH_PER_MINUTE_FLOOR, is_public
from tests.helpers import all_routes, client_for, free_port, settings_like

USER, ADMIN = "user-key-5f1e0c", "admin-key-9a7d3b"
PROBLEM = "application/problem+json"
QUESTION = {"question": "Where did Putin and Kim meet?"}


def test_every_api_route_needs_the_key_and_only_the_allow_list_is_public(
    seeded_settings: Settings,
) -> None:
    with client_for(settings_like(seeded_settings, api_key=USER)) as api:
        guarded = [r for r in all_routes(api.app.routes) if not is_public(r.path)]  # type: ignore[attr-defined]
        assert {"/v1/query", "/v1/documents", "/metrics"} <= {r.path for r in guarded}
        for route in guarded:
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            for method in sorted(route.methods - {"HEAD"}):
                response = api.request(method, path)
                assert response.status_code == 401, (method, path)
                assert response.headers["content-type"] == PROBLEM
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert "Authorization: Bearer" in response.json()["detail"]
        public = ("/health", "/", "/static/app.js", "/docs", "/openapi.json", "/redoc")
        for path in (
            *public,
            "/docs/static/swagger-ui-bundle.js",
            "/docs/static/redoc.standalone.js",
        ):
            assert api.get(path).status_code == 200, path

        assert api.post("/v1/query", json=QUESTION, headers={"X-API-Key": USER}).is_success
        bearer = {"Authorization": f"bearer {USER}"}  # the scheme is case-insensitive
        assert api.post("/v1/query", json=QUESTION, headers=bearer).is_success
        wrong = api.post("/v1/query", json=QUESTION, headers={"X-API-Key": USER + "x"})
        assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
        assert wrong.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert USER not in wrong.text


BOTH = {"api_key": USER, "admin_api_key": ADMIN}
# key used -> statuses of: a read, an upload (no files: 422 once allowed), a delete (404)
WHEN_BOTH = {None: (401, 401, 401), USER: (200, 403, 403), ADMIN: (200, 422, 404)}
WHEN_ADMIN = {None: (200, 401, 401), USER: (200, 401, 401), ADMIN: (200, 422, 404)}
WHEN_USER = {None: (401, 401, 401), USER: (200, 422, 404)}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [(BOTH, WHEN_BOTH), ({"admin_api_key": ADMIN}, WHEN_ADMIN), ({"api_key": USER}, WHEN_USER)],
)
def test_writes_need_the_admin_key_when_there_is_one(
    seeded_settings: Settings, keys: dict[str, str], expected: dict[str | None, tuple[int, ...]]
) -> None:
    with client_for(settings_like(seeded_settings, **keys)) as api:
        for key, statuses in expected.items():
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            got = (
                api.get("/v1/documents", headers=headers).status_code,
                api.post("/v1/documents", headers=headers).status_code,
                api.delete("/v1/documents/no-such-doc", headers=headers).status_code,
            )
            assert got == statuses, key
        if keys == BOTH:
            forbidden = api.delete("/v1/documents/x", headers={"X-API-Key": USER})
            assert "admin API key" in forbidden.json()["detail"]


def test_rate_limit_per_key_and_per_address(seeded_settings: Settings) -> None:
    limited = settings_like(seeded_settings, **BOTH, rate_limit_per_minute=3)
    with client_for(limited) as api:
        as_user = {"X-API-Key": USER}
        assert [api.get("/v1/documents", headers=as_user).status_code for _ in range(4)] == [
            200, 200, 200, 429
        ]  # fmt: skip
        over = api.get("/v1/documents", headers=as_user)
        assert over.status_code == 429 and over.headers["content-type"] == PROBLEM
        # Moving window: the first request leaves it a minute after it came.
        assert 1 <= int(over.headers["retry-after"]) <= 60
        assert "3 requests a minute" in over.json()["detail"]
        assert api.get("/v1/documents", headers={"X-API-Key": ADMIN}).status_code == 200
        # /health: a budget of its own per address (at least 60 a minute), not the client's.
        probes = [api.get("/health").status_code for _ in range(HEALTH_PER_MINUTE_FLOOR + 1)]
        assert probes == [200] * HEALTH_PER_MINUTE_FLOOR + [429], probes
        assert api.get("/v1/documents", headers={"X-API-Key": ADMIN}).status_code == 200
        # Without a valid key the address is the client: wrong keys spend its budget.
        guesses = [api.get("/v1/documents", headers={"X-API-Key": f"guess{i}"}) for i in range(4)]
        assert [g.status_code for g in guesses] == [401, 401, 401, 429]


def test_cors_is_off_by_default_and_allows_only_configured_origins(
    seeded_settings: Settings,
) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with client_for(seeded_settings) as api:
        response = api.options("/v1/query", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    configured = settings_like(seeded_settings, api_key=USER, cors_origins="https://app.example")
    with client_for(configured) as api:
        ok = api.options("/v1/query", headers=preflight)
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://app.example"
        other = api.options("/v1/query", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        denied = api.post("/v1/query", json=QUESTION, headers={"Origin": "https://app.example"})
        assert denied.status_code == 401, "a browser can read why it was refused"
        assert denied.headers["access-control-allow-origin"] == "https://app.example"


def test_blank_keys_mean_no_key(seeded_settings: Settings) -> None:
    settings = settings_like(seeded_settings, api_key="", admin_api_key="  ")
    assert settings.api_key is None and settings.admin_api_key is None


def test_openapi_describes_keys_and_middleware_statuses(seeded_settings: Settings) -> None:
    configured = settings_like(seeded_settings, api_key=USER, rate_limit_per_minute=100)
    with client_for(configured) as api:
        spec = api.get("/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    query = spec["paths"]["/v1/query"]["post"]
    assert {"401", "413", "429"} <= set(query["responses"]) and query["security"]
    assert "Retry-After" in query["responses"]["429"]["headers"]
    assert "401" not in spec["paths"]["/health"]["get"]["responses"]


def test_secrets_never_reach_logs_or_responses(
    seeded_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    llm_key = "sk-llm-secret-3c9e71"
    settings = settings_like(
        seeded_settings,
        api_key=USER,
        admin_api_key=ADMIN,
        llm="openai",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nothing listens there
        llm_model="m",
        llm_api_key=llm_key,
        llm_timeout=2,
    )
    caplog.set_level(logging.DEBUG)
    bodies = []
    with client_for(settings) as api:
        for headers in (
            {"Authorization": f"Bearer {USER}x"},  # wrong, but holding the real key
            {"X-API-Key": ADMIN[:-1]},
            {"X-API-Key": USER},  # right: the LLM backend then fails
            {"Authorization": f"Bearer {ADMIN}"},
        ):
            response = api.post("/v1/query", json=QUESTION, headers=headers)
            bodies.append(f"{response.status_code} {response.headers} {response.text}")
        assert bodies[0].startswith("401") and bodies[1].startswith("401")
        assert bodies[2].startswith("503") and "LLM" in bodies[2]
        bodies.append(api.post("/v1/documents", headers={"X-API-Key": USER}).text)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "/v1/query" in logged, "the requests were logged"
    for secret in (USER, ADMIN, llm_key):
        assert secret not in logged
        assert not any(secret in body for body in bodies)


def test_health_shows_counts_only_to_a_caller_with_a_key(seeded_settings: Settings) -> None:
    with client_for(settings_like(seeded_settings, api_key=USER)) as api:
        public = api.get("/health").json()
        assert public["status"] == "ok" and public["documents"] is None and public["chunks"] is None
        keyed = api.get("/health", headers={"Authorization": f"Bearer {USER}"}).json()
        assert keyed["documents"] == 5 and keyed["chunks"] > 5
