"""A 20-file upload that fails midway keeps nothing (or says which files it may have kept),
and leaves no chunk that no document points to: embedded Chroma, with the failure injected
at the store's boundary (its two collections), over real HTTP."""

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from citedqa.components import make_chunker, make_embedder, open_store
from citedqa.models import Document
from citedqa.orphans import SHARED_GRACE_SECONDS, sweep_orphans
from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app
from tests.helpers import make_settings, store_state, wait_until

SENTENCES = [
    "The harbour of Port Elmsby reopened on Tuesday after a storm closed it for nine days.",
    "Harbour master Tom Reyes said that forty fishing boats had returned to their moorings.",
    "Repairs to the northern breakwater will cost about 2 million euros, the council said.",
    "The ferry to Lindholm island will resume its daily crossings next Monday.",
]


def _file(name: str, version: int) -> tuple[str, tuple[str, bytes, str]]:
    body = " ".join(SENTENCES[(version + i) % 4] for i in range(4))
    text = f"Dispatch {name}, edition {version}\n\n{body} Filed as {name} v{version}.\n"
    return ("files", (f"{name}.txt", text.encode(), "text/plain"))


@dataclass
class Outage:
    """The store fails at the `fail_at`-th write (upsert) from now; `lasting`: it stays down
    (every call fails) until `end()`, as when Chroma is killed."""

    fail_at: int
    lasting: bool = False
    writes: int = 0
    down: bool = False

    def check(self, method: str) -> None:
        if self.down:
            raise ConnectionError("chroma is gone")
        if method == "upsert":
            self.writes += 1
            if self.writes == self.fail_at:
                self.down = self.lasting
                raise ConnectionError("chroma failed mid-write")

    def end(self) -> None:
        self.down, self.fail_at = False, 0


class FlakyCollection:
    """A Chroma collection whose calls go through an Outage first."""

    def __init__(self, inner: Any, outage: Outage) -> None:
        self.inner, self._outage = inner, outage

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self._outage.check(name)
            return attr(*args, **kwargs)

        return call


def _listing(api: httpx.Client) -> dict[str, tuple[str, int]]:
    docs = api.get("/v1/documents", params={"limit": 1000}).json()["documents"]
    return {d["doc_id"]: (d["content_hash"], d["chunks"]) for d in docs}


def _no_orphans(api: httpx.Client, settings: Settings) -> None:
    chunks, manifest = store_state(settings)
    assert chunks == {c for ids in manifest.values() for c in ids}, "orphan chunks left"
    total = sum(n for _, n in _listing(api).values())
    wait_until(lambda: api.get("/health").json()["chunks"] == total)  # /health caches 2 s


@pytest.mark.parametrize(
    "fail_at",
    [11, 30],  # writing the 11th file's chunks; switching the 10th file's manifest record
    ids=["while-writing-chunks", "while-switching-manifests"],
)
def test_a_failed_upload_keeps_nothing(settings: Settings, fail_at: int) -> None:
    app = create_app(settings)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=120) as api:
        first = api.post("/v1/documents", files=[_file(f"d{i:02d}", 0) for i in range(4)])
        assert first.status_code == 201, first.text
        before, state = _listing(api), store_state(settings)
        texts = {d: api.get(f"/v1/documents/{d}").json()["text"] for d in before}

        outage = Outage(fail_at)
        app.state.components.store.wrap_collections(lambda c: FlakyCollection(c, outage))
        # 4 replacements first, so the manifest-switch failure has old versions to restore.
        upload = [_file(f"d{i:02d}", 1 if i < 4 else 0) for i in range(20)]
        failed = api.post("/v1/documents", files=upload)
        assert failed.status_code == 503, failed.text
        assert "nothing of this batch of 20 documents was stored" in failed.json()["detail"]

        assert _listing(api) == before
        assert {d: api.get(f"/v1/documents/{d}").json()["text"] for d in before} == texts
        assert store_state(settings) == state
        _no_orphans(api, settings)
        # And the next upload works as ever.
        again = api.post("/v1/documents", files=upload)
        assert again.status_code == 201 and len(_listing(api)) == 20
        _no_orphans(api, settings)


def test_an_upload_whose_undo_fails_names_what_may_be_stored(settings: Settings) -> None:
    app = create_app(settings)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=120) as api:
        assert api.post("/v1/documents", files=[_file("d00", 0)]).status_code == 201
        before = _listing(api)
        store = app.state.components.store
        outage = Outage(30, lasting=True)  # Chroma dies at the 10th manifest switch
        store.wrap_collections(lambda c: FlakyCollection(c, outage))
        upload = [_file(f"d{i:02d}", 1) for i in range(20)]
        failed = api.post("/v1/documents", files=upload)
        assert failed.status_code == 503, failed.text
        problem = failed.json()
        maybe = [f"d{i:02d}.txt" for i in range(10)]
        assert problem["title"] == "Upload partly stored" and problem["may_be_stored"] == maybe
        assert all(name in problem["detail"] for name in maybe)

        outage.end()  # Chroma is back
        after = _listing(api)
        changed = {d for d in set(before) | set(after) if before.get(d) != after.get(d)}
        assert changed <= {name.removesuffix(".txt") for name in maybe}
        chunks, _ = store_state(settings)
        assert chunks - {c for e in store.manifest().values() for c in e.chunk_ids}, (
            "expected orphans from the failed undo: the test did not test the sweep"
        )
        # The next write sweeps first.
        assert api.post("/v1/documents", files=[_file("extra", 0)]).status_code == 201
        _no_orphans(api, settings)


def _write_orphans(settings: Settings) -> set[str]:
    """Chunks of a document version no manifest record points to (a write that died)."""
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    doc = Document("ghost", "A version whose manifest switch never happened.", "Ghost")
    chunks = make_chunker(settings, embedder).split(doc)
    vectors = embedder.encode([c.text for c in chunks])
    store.write_chunks(doc, chunks, vectors, [v[None, :] for v in vectors])
    return {c.chunk_id for c in chunks}


def test_start_up_sweeps_orphans(settings: Settings) -> None:
    orphans = _write_orphans(settings)
    assert orphans <= store_state(settings)[0]
    with serve_app(create_app(settings)):
        assert not orphans & store_state(settings)[0]


def test_a_shared_server_keeps_young_orphans(
    chroma_server: tuple[str, int], tmp_path: Path
) -> None:
    host, port = chroma_server
    settings = make_settings(
        tmp_path, chroma_host=host, chroma_port=port, collection=f"o-{time.time_ns()}"
    )
    orphans = _write_orphans(settings)
    store = open_store(settings, make_embedder(settings))
    # Another process may be between writing these and switching its manifest to them.
    assert sweep_orphans(store, shared=True) == 0
    assert orphans <= store.stored_chunk_ids()
    later = time.time() + SHARED_GRACE_SECONDS + 60
    assert sweep_orphans(store, shared=True, now=later) == len(orphans)
    assert not store.stored_chunk_ids()
