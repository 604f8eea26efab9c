"""The same ingest and queries against a real `chroma run` server."""

import uuid
from pathlib import Path

import httpx

from citedqa.settings import Settings
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import SEEDS, make_settings, store_state


def test_ingest_and_query_through_a_chroma_server(
    chroma_server: tuple[str, int], seeded_settings: Settings, tmp_path: Path
) -> None:
    host, port = chroma_server
    settings = make_settings(
        tmp_path / "unused",
        chroma_host=host,
        chroma_port=port,
        collection=f"t-{uuid.uuid4().hex[:8]}",
    )
    first = ingest_path(settings, SEEDS, show_progress=False)
    assert first.documents["added"] == 5
    assert ingest_path(settings, SEEDS, show_progress=False).chunks_written == 0
    assert not (tmp_path / "unused").exists(), "server mode must not create a local database"
    assert store_state(settings) == store_state(seeded_settings), "server and embedded differ"

    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as api:
        assert api.get("/health").json()["store"] == "ok"
        body = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"}).json()
        assert not body["refused"] and body["citations"]
        quote = body["citations"][0]
        text = api.get(f"/v1/documents/{quote['doc_id']}").json()["text"]
        assert text[quote["start"] : quote["end"]] == quote["quote"]
