"""Keys of the keys file against every route, role and scope, embedded and on `chroma run`.

The cases are generated: every guarded route of the app (from its route table) × every
role × every scope, the expected status derived from the rules of the README's
"Collections and keys" (not from the middleware's own table).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from citedqa.settings import Settings
from service.app import create_app
from service.middleware.security import is_public
from tests.helpers import all_routes, client_for, make_settings

ROLES = ("read", "write", "admin")
SCOPES = ("own", "other", "all")  # the route's collection, another one, "*"
RANK = {"none": 0, "read": 1, "write": 2, "admin": 3}


def _routes() -> list[tuple[str, str]]:
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    return sorted(
        (method, route.path)
        for route in all_routes(app.routes)
        if not is_public(route.path)
        for method in route.methods - {"HEAD"}
    )


ROUTES = _routes()


@dataclass(frozen=True)
class Service:
    client: TestClient
    default: str  # CITEDQA_COLLECTION
    own: str  # the collection the routes under /v1/collections/{collection} are called on
    other: str
    keys: dict[tuple[str, str], str]  # (role, scope) → key


def expected(method: str, path: str, role: str, scope: str, svc: Service) -> str:
    """ "ok", "401", "403" or "404" for a key of `role` over `scope`, from the rules:
    reads need read, document uploads and deletes write, collections made or dropped admin;
    a collection in the path that the key may not see is a 404, the default one a 403."""
    named = path.startswith("/v1/collections/{collection}")
    rest = path.removeprefix("/v1/collections/{collection}")
    if named and rest == "":
        needed, where = "admin", svc.own
    elif named:
        reads = method == "GET" or rest in ("/query", "/retrieve")
        needed, where = ("read" if reads else "write"), svc.own
    elif path == "/v1/collections":
        needed, where = ("read" if method == "GET" else "admin"), None
    elif path.startswith("/v1/documents"):
        needed, where = ("read" if method == "GET" else "write"), svc.default
    elif path in ("/v1/query", "/v1/retrieve"):
        needed, where = "read", svc.default
    else:
        needed, where = "read", None
    if role == "none":
        return "401"
    sees = where is None or scope == "all" or (scope == "own" and where == svc.own)
    if not sees:
        return "404" if named else "403"
    return "ok" if RANK[role] >= RANK[needed] else "403"


def call(svc: Service, method: str, path: str, key: str | None) -> tuple[int, str]:
    url = re.sub(r"\{doc_id(:path)?\}", "no-such-doc", path).replace("{collection}", svc.own)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {"json": {}} if method == "POST" else {}  # past the gate: a 422
    got = svc.client.request(method, url, headers=headers, **body)  # type: ignore[arg-type]
    return got.status_code, got.text


def outcome(status: int, text: str, svc: Service) -> str:
    if status in (401, 403):
        return str(status)
    if status == 404 and f"no collection named '{svc.own}'" in text:
        return "404"
    assert status < 500, text
    return "ok"


def keys_file(tmp: Path, own: str, other: str) -> tuple[Path, dict[tuple[str, str], str]]:
    keys: dict[tuple[str, str], str] = {}
    lines = []
    for role in ROLES:
        for scope, collections in (("own", [own]), ("other", [other]), ("all", "*")):
            key = keys[(role, scope)] = f"k-{role}-{scope}-{uuid.uuid4().hex[:8]}"
            # Half the keys are given by their hash only (a file that holds no secret).
            given = (
                f'key_sha256 = "{hashlib.sha256(key.encode()).hexdigest()}"'
                if scope == "other"
                else f'key = "{key}"'
            )
            scope_toml = '"*"' if collections == "*" else f'["{collections[0]}"]'
            lines.append(f'[[keys]]\n{given}\nrole = "{role}"\ncollections = {scope_toml}\n')
    path = tmp / "keys.toml"
    path.write_text("\n".join(lines))
    return path, keys


def _service(settings: Settings, tmp: Path) -> Iterator[Service]:
    suffix = uuid.uuid4().hex[:6]
    own, other = f"own-{suffix}", f"other-{suffix}"
    path, keys = keys_file(tmp, own, other)
    with client_for(settings.model_copy(update={"keys_file": path})) as client:
        collections = client.app.state.components.collections  # type: ignore[attr-defined]
        for name in (own, other):
            collections.create(name)
        yield Service(client, settings.collection, own, other, keys)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("keys-embedded")
    yield from _service(make_settings(tmp / "data"), tmp)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, chroma_server: tuple[str, int]
) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("keys-server")
    host, port = chroma_server
    name = f"d-{uuid.uuid4().hex[:8]}"
    settings = make_settings(tmp / "unused", chroma_host=host, chroma_port=port, collection=name)
    yield from _service(settings, tmp)


@pytest.mark.parametrize("mode", ["embedded", "server"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_role_and_scope(
    method: str, path: str, mode: str, request: pytest.FixtureRequest
) -> None:
    svc: Service = request.getfixturevalue(mode)
    cases = [(role, scope) for role in ROLES for scope in SCOPES] + [("none", "all")]
    for role, scope in cases:
        key = svc.keys.get((role, scope)) or (None if scope == "all" else "wrong")
        for given in [key] if role != "none" else [None, "not-a-key"]:
            status, text = call(svc, method, path, given)
            want = expected(method, path, role, scope, svc)
            assert outcome(status, text, svc) == want, (role, scope, status, text)
            if method == "DELETE" and path == "/v1/collections/{collection}" and want == "ok":
                svc.client.app.state.components.collections.create(svc.own)  # type: ignore[attr-defined]


def test_the_matrix_covers_the_collection_routes() -> None:
    paths = {path for _, path in ROUTES}
    assert {
        "/v1/collections",
        "/v1/collections/{collection}",
        "/v1/collections/{collection}/query",
        "/v1/collections/{collection}/documents/{doc_id:path}",
        "/v1/query",
        "/v1/documents",
    } <= paths


def test_lists_show_only_the_scope_and_chat_models_are_scoped(embedded: Service) -> None:
    svc = embedded
    reader = {"Authorization": f"Bearer {svc.keys[('read', 'own')]}"}
    listed = svc.client.get("/v1/collections", headers=reader).json()["collections"]
    assert [c["name"] for c in listed] == [svc.own]
    models = svc.client.get("/v1/models", headers=reader).json()["data"]
    assert [m["id"] for m in models] == [svc.own]
    chat = {"model": svc.other, "messages": [{"role": "user", "content": "What opened?"}]}
    hidden = svc.client.post("/v1/chat/completions", json=chat, headers=reader)
    assert hidden.status_code == 404 and svc.other in hidden.json()["detail"]
    chat["model"] = svc.own
    assert svc.client.post("/v1/chat/completions", json=chat, headers=reader).status_code == 200
    chat["model"] = "citedqa"  # the default collection, out of this key's scope
    assert svc.client.post("/v1/chat/completions", json=chat, headers=reader).status_code == 404
    # /health's counts are the default collection's: not for a key out of its scope.
    assert svc.client.get("/health", headers=reader).json()["documents"] is None
    everywhere = {"Authorization": f"Bearer {svc.keys[('read', 'all')]}"}
    assert svc.client.get("/health", headers=everywhere).json()["documents"] == 0
    admin_own = {"Authorization": f"Bearer {svc.keys[('admin', 'own')]}"}
    made = svc.client.post("/v1/collections", json={"name": "elsewhere"}, headers=admin_own)
    assert made.status_code == 403  # an admin of one collection makes no other


def test_rate_limit_of_a_key_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(
        '[[keys]]\nkey = "slow-key-1"\nrole = "read"\ncollections = "*"\n'
        "rate_limit_per_minute = 2\n\n"
        '[[keys]]\nkey = "fast-key-1"\nrole = "read"\ncollections = "*"\n'
    )
    settings = make_settings(tmp_path / "data", keys_file=path, rate_limit_per_minute=100)
    with client_for(settings) as api:
        slow = {"Authorization": "Bearer slow-key-1"}
        fast = {"Authorization": "Bearer fast-key-1"}
        statuses = [api.get("/v1/collections", headers=slow).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert all(api.get("/v1/collections", headers=fast).status_code == 200 for _ in range(5))


def test_a_broken_keys_file_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[[keys]]\nkey = "k-1"\nrole = "owner"\ncollections = "*"\n')
    with pytest.raises(Exception, match="CITEDQA_KEYS_FILE"):
        create_app(make_settings(tmp_path / "data", keys_file=path))
