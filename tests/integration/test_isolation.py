"""A file that takes too long to parse is refused, and nobody else waits for it (issue 16)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from citedqa.settings import Settings
from ingest.job import ingest_path
from tests.helpers import SEEDS, make_settings, served, slow_html, store_state


def test_a_slow_upload_is_refused_while_queries_are_answered(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", parse_timeout=1)
    seed = next(SEEDS.glob("001_*.txt"))
    with served(settings) as api:
        assert api.post(
            "/v1/documents", files=[("files", (seed.name, seed.read_bytes()))]
        ).is_success
        outcome: list[httpx.Response] = []
        upload = threading.Thread(
            target=lambda: outcome.append(
                api.post("/v1/documents", files=[("files", ("slow.html", slow_html()))])
            )
        )
        upload.start()
        answered = 0
        while upload.is_alive():  # the parse runs in another process: queries go on
            query = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"})
            assert query.status_code == 200
            answered += 1
        upload.join()
        assert answered >= 1
        refused = outcome[0]
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"] == "slow.html: parsing took longer than 1 s"
        ok = api.post(
            "/v1/documents", files=[("files", ("ferry.txt", b"Ferry\n\nIt leaves at nine.\n"))]
        )
        assert ok.status_code == 201  # the killed worker was replaced


def test_ingest_fails_the_slow_file_and_ingests_the_rest(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Cranes\n\nThe port opened in 1999 with two cranes.\n")
    (folder / "b.html").write_bytes(slow_html())
    (folder / "c.txt").write_text("Storm\n\nThe port closed in 2005 after a storm.\n")
    small = settings.model_copy(update={"parse_timeout": 1.0})
    summary = ingest_path(small, folder, show_progress=False)
    assert summary.failures == {"b.html": "parsing took longer than 1 s"}
    assert summary.documents["added"] == 2
    assert set(store_state(small)[1]) == {"a", "c"}
