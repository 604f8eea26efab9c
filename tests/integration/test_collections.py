"""Many collections in one service: isolation, per-collection counts, create and delete
while other collections answer, and the CLI and ingest job per collection."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citedqa.settings import Settings
from eval.cli import main as eval_main
from eval.inprocess import serve_app
from ingest.__main__ import main as ingest_main
from service.app import create_app
from tests.helpers import client_for, make_settings, wait_until

HARBOUR = "Harbour news\n\nThe harbour of Alba opened in 1999 after a long delay.\n"
MINE = "Mine news\n\nThe Brava copper mine closed in 2004 when the ore ran out.\n"
BRIDGE = (
    "Bridge history\n\nThe Corvo bridge was designed by the engineer Ana Lima. "
    "It was finished in 1987 and spans the river Tua.\n"
)
ALPHA, BETA = "alpha", "beta"


def upload(api: httpx.Client, collection: str, name: str, text: str) -> None:
    files = [("files", (name, text.encode(), "text/plain"))]
    got = api.post(f"/v1/collections/{collection}/documents", files=files)
    assert got.status_code == 201, got.text


@pytest.fixture
def two(tmp_path: Path) -> Iterator[httpx.Client]:
    """A service whose collections alpha and beta both hold a doc_id `report` (different
    texts); beta alone holds `bridge`."""
    settings = make_settings(tmp_path / "data")
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        for name in (ALPHA, BETA):
            assert api.post("/v1/collections", json={"name": name}).status_code == 201
        upload(api, ALPHA, "report.txt", HARBOUR)
        upload(api, BETA, "report.txt", MINE)
        upload(api, BETA, "bridge.txt", BRIDGE)
        yield api


def ask(api: httpx.Client, collection: str, question: str) -> dict[str, object]:
    got = api.post(f"/v1/collections/{collection}/query", json={"question": question})
    assert got.status_code == 200, got.text
    return got.json()  # type: ignore[no-any-return]


def test_an_answer_never_cites_retrieves_or_counts_another_collection(
    two: httpx.Client,
) -> None:
    api = two
    listed = {c["name"]: c for c in api.get("/v1/collections").json()["collections"]}
    assert (listed[ALPHA]["documents"], listed[BETA]["documents"]) == (1, 2)
    assert listed["citedqa"]["documents"] == 0  # the default collection, untouched
    assert listed[ALPHA]["chunks"] >= 1 and listed[ALPHA]["embedder"]
    docs = api.get(f"/v1/collections/{ALPHA}/documents").json()["documents"]
    assert [d["doc_id"] for d in docs] == ["report"]
    assert api.get("/v1/documents").json()["documents"] == []
    # The same doc_id, two texts: each collection serves its own.
    assert "1999" in api.get(f"/v1/collections/{ALPHA}/documents/report").json()["text"]
    assert "2004" in api.get(f"/v1/collections/{BETA}/documents/report").json()["text"]
    assert api.get(f"/v1/collections/{ALPHA}/documents/bridge").status_code == 404

    # Evidence only in beta: alpha refuses, retrieves nothing of beta.
    question = "When was the Corvo bridge finished?"
    assert "1987" in str(ask(api, BETA, question)["answer"])
    refused = ask(api, ALPHA, question)
    assert refused["refused"] and refused["citations"] == []
    for mode in ("hybrid", "vector", "bm25"):
        body = {"question": question, "retrieval": mode, "top_k": 10}
        chunks = api.post(f"/v1/collections/{ALPHA}/retrieve", json=body).json()["chunks"]
        assert {c["doc_id"] for c in chunks} <= {"report"}
        assert all("Brava" not in c["text"] and "Corvo" not in c["text"] for c in chunks)
    # A filter on a doc_id that only the other collection has matches nothing here.
    body = {"question": question, "doc_ids": ["bridge"]}
    assert api.post(f"/v1/collections/{ALPHA}/retrieve", json=body).json()["chunks"] == []
    assert ask(api, "citedqa", question)["refused"]  # nor does the default collection

    # The same doc_id: each answer quotes its own collection's text.
    alba = ask(api, ALPHA, "When did the harbour of Alba open?")
    assert not alba["refused"]
    assert all("Brava" not in c["quote"] for c in alba["citations"])  # type: ignore[attr-defined]
    brava = ask(api, BETA, "When did the harbour of Alba open?")
    assert all("Alba" not in c["quote"] for c in brava["citations"])  # type: ignore[attr-defined]

    # model names the collection in the OpenAI-compatible route.
    chat = {"model": BETA, "messages": [{"role": "user", "content": question}]}
    reply = api.post("/v1/chat/completions", json=chat).json()
    assert "1987" in reply["choices"][0]["message"]["content"] and reply["model"] == BETA
    with api.stream("POST", "/v1/chat/completions", json={**chat, "stream": True}) as streamed:
        frames = [json.loads(line[6:]) for line in streamed.iter_lines() if line[6:7] == "{"]
    assert frames and {f["model"] for f in frames} == {BETA}  # each frame, as the reply
    assert "1987" in "".join(f["choices"][0]["delta"].get("content", "") for f in frames)
    chat["model"] = ALPHA
    assert api.post("/v1/chat/completions", json=chat).json()["refused"]
    chat["model"] = "no-such"
    assert api.post("/v1/chat/completions", json=chat).status_code == 404
    models = [m["id"] for m in api.get("/v1/models").json()["data"]]
    assert models == [ALPHA, BETA, "citedqa"]


def test_deleting_a_collection_removes_it_and_only_it(two: httpx.Client) -> None:
    api = two
    gone = api.delete(f"/v1/collections/{BETA}")
    assert gone.status_code == 200 and gone.json()["documents_removed"] == 2
    assert [c["name"] for c in api.get("/v1/collections").json()["collections"]] == [
        ALPHA,
        "citedqa",
    ]
    assert api.post(f"/v1/collections/{BETA}/query", json={"question": "x?"}).status_code == 404
    assert api.delete(f"/v1/collections/{BETA}").status_code == 404
    assert api.delete("/v1/collections/citedqa").status_code == 409  # the default stays
    assert api.post("/v1/collections", json={"name": ALPHA}).status_code == 409
    assert api.post("/v1/collections", json={"name": "x-docs"}).status_code == 422
    short = api.post("/v1/collections", json={"name": "ab"})  # the rule in words, not a regex
    assert short.status_code == 422 and "3 to 50 letters, digits" in short.json()["detail"]
    # Made again under the same name: empty, nothing of the old one answers.
    assert api.post("/v1/collections", json={"name": BETA}).status_code == 201
    assert api.get(f"/v1/collections/{BETA}/documents").json()["documents"] == []
    assert ask(api, BETA, "When was the Corvo bridge finished?")["refused"]
    assert not ask(api, ALPHA, "When did the harbour of Alba open?")["refused"]


def test_creating_and_deleting_collections_fails_no_query_of_another(two: httpx.Client) -> None:
    api = two
    expected = ask(api, BETA, "When was the Corvo bridge finished?")
    stop = threading.Event()
    failures: list[str] = []
    answers: list[dict[str, object]] = []

    def asking() -> None:
        while not stop.is_set():
            try:
                answers.append(ask(api, BETA, "When was the Corvo bridge finished?"))
            except AssertionError as exc:  # a non-200
                failures.append(str(exc))

    threads = [threading.Thread(target=asking) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(6):
            name = f"churn-{round_}"
            assert api.post("/v1/collections", json={"name": name}).status_code == 201
            upload(api, name, "bridge.txt", BRIDGE)  # the same doc_id as beta's
            assert not ask(api, name, "When was the Corvo bridge finished?")["refused"]
            assert api.delete(f"/v1/collections/{name}").status_code == 200
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert len(answers) >= 3
    assert all(a["answer"] == expected["answer"] for a in answers)
    assert all(a["citations"] == expected["citations"] for a in answers)


def test_ingest_job_writes_the_named_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE)
    monkeypatch.setenv("CITEDQA_DATA_DIR", str(tmp_path / "data"))
    assert ingest_main([str(folder), "--collection", "team-a", "--quiet"]) == 0
    assert ingest_main([str(folder), "--collection", "bad/name", "--quiet"]) != 0
    settings: Settings = make_settings(tmp_path / "data")
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        names = {
            c["name"]: c["documents"] for c in api.get("/v1/collections").json()["collections"]
        }
        assert names == {"citedqa": 0, "team-a": 1}
        assert not ask(api, "team-a", "When was the Corvo bridge finished?")["refused"]
        assert api.get("/v1/documents").json()["documents"] == []


def test_the_command_line_asks_and_lists_the_named_collection(two: httpx.Client) -> None:
    citedqa = str(Path(sys.executable).parent / "citedqa")
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200", "NO_COLOR": "1"}
    url = str(two.base_url)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [citedqa, *args, "--url", url], env=env, capture_output=True, text=True, timeout=120
        )

    answered = run("ask", "When was the Corvo bridge finished?", "--json", "--collection", BETA)
    assert answered.returncode == 0, answered.stderr
    assert "1987" in json.loads(answered.stdout)["answer"]
    refused = run("ask", "When was the Corvo bridge finished?", "--json", "--collection", ALPHA)
    assert json.loads(refused.stdout)["refused"] is True
    listed = run("documents", "list", "--json", "--collection", BETA)
    assert sorted(d["doc_id"] for d in json.loads(listed.stdout)["documents"]) == [
        "bridge",
        "report",
    ]
    assert eval_main(["--collection", BETA]) == 2  # names a collection of a --url service


def test_two_workers_on_one_chroma_server_agree_on_collections(
    chroma_server: tuple[str, int], tmp_path: Path
) -> None:
    """Worker B holds a collection's state; worker A drops it and makes it again with other
    documents: B follows the collection's generation token (its Chroma id too) and answers
    from the new one, never from what it had loaded."""
    host, port = chroma_server
    name = f"w-{uuid.uuid4().hex[:8]}"
    settings = make_settings(
        tmp_path / "unused", chroma_host=host, chroma_port=port, collection=f"d-{name}"
    )
    question = "When was the Corvo bridge finished?"
    with client_for(settings) as a, client_for(settings) as b:
        assert a.post("/v1/collections", json={"name": name}).status_code == 201
        upload(a, name, "bridge.txt", BRIDGE)  # type: ignore[arg-type]
        assert "1987" in str(ask(b, name, question)["answer"])  # type: ignore[arg-type]
        assert a.delete(f"/v1/collections/{name}").status_code == 200
        assert a.post("/v1/collections", json={"name": name}).status_code == 201
        upload(a, name, "report.txt", HARBOUR)  # type: ignore[arg-type]

        def listed() -> list[str]:
            got = b.get(f"/v1/collections/{name}/documents")
            return [d["doc_id"] for d in got.json()["documents"]] if got.is_success else []

        wait_until(lambda: listed() == ["report"])  # within the token's second
        assert ask(b, name, question)["refused"]  # type: ignore[arg-type]
        assert not ask(b, name, "When did the harbour of Alba open?")["refused"]  # type: ignore[arg-type]
