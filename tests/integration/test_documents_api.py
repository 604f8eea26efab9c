"""`/v1/documents` over HTTP: pagination, filters, upload and delete on a fresh store."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citedqa.settings import Settings
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import ARTICLE_HTML, SEEDS, make_settings

PROBLEM = "application/problem+json"


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[httpx.Client]:
    """An app over its own store holding the seeds, with a small upload limit."""
    settings: Settings = make_settings(tmp_path / "data", max_file_bytes=50_000, max_upload_files=3)
    ingest_path(settings, SEEDS, show_progress=False)
    with serve_app(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def test_listing_paginates_with_a_cursor(api: httpx.Client) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get("/v1/documents", params=params).json()
        assert len(page["documents"]) <= 2
        seen += [d["doc_id"] for d in page["documents"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = [d["doc_id"] for d in api.get("/v1/documents").json()["documents"]]
    assert seen == everything and len(seen) == 5


def test_listing_filters_by_metadata(api: httpx.Client) -> None:
    by_outlet = api.get("/v1/documents", params={"outlet": "Biobiochile"}).json()["documents"]
    assert [d["doc_id"][:3] for d in by_outlet] == ["003"]
    originals = api.get("/v1/documents", params={"duplicate_of": ""}).json()["documents"]
    assert "003" not in {d["doc_id"][:3] for d in originals} and len(originals) == 4


@pytest.mark.parametrize(
    ("params", "status"), [({"cursor": "%%%"}, 422), ({"limit": 0}, 422), ({"limit": "x"}, 422)]
)
def test_listing_rejects_bad_parameters(api: httpx.Client, params: dict, status: int) -> None:
    response = api.get("/v1/documents", params=params)
    assert response.status_code == status and response.headers["content-type"] == PROBLEM


def test_upload_is_searchable_at_once_and_delete_forgets_it(fresh_api: httpx.Client) -> None:
    files = [
        ("files", ("harbour.html", ARTICLE_HTML.encode(), "text/html")),
        (
            "files",
            ("notes.md", b"# Ferry notes\n\nThe Lindholm ferry carries 120 cars.", "text/markdown"),
        ),
    ]
    response = fresh_api.post("/v1/documents", files=files)
    assert response.status_code == 201, response.text
    assert {d["doc_id"]: d["status"] for d in response.json()["documents"]} == {
        "harbour": "added",
        "notes": "added",
    }
    question = {"question": "How many cars does the Lindholm ferry carry?"}
    body = fresh_api.post("/v1/query", json=question).json()
    assert not body["refused"] and body["citations"][0]["doc_id"] == "notes"
    listed = {d["doc_id"]: d for d in fresh_api.get("/v1/documents").json()["documents"]}
    assert listed["harbour"]["source"] == "harbour.html"
    assert listed["harbour"]["outlet"] == "Coastal Times"

    deleted = fresh_api.delete("/v1/documents/notes")
    assert deleted.status_code == 200 and deleted.json()["chunks_removed"] >= 1
    assert fresh_api.get("/v1/documents/notes").status_code == 404
    after = fresh_api.post("/v1/query", json=question).json()
    assert all(c["doc_id"] != "notes" for c in after["citations"])
    assert fresh_api.delete("/v1/documents/notes").status_code == 404


def test_a_file_name_with_spaces_is_a_doc_id_with_underscores(fresh_api: httpx.Client) -> None:
    note = ("files", ("annual report 2024.txt", b"Revenue grew by 4 percent.", "text/plain"))
    response = fresh_api.post("/v1/documents", files=[note])
    assert response.status_code == 201, response.text
    assert response.json()["documents"][0]["doc_id"] == "annual_report_2024"
    assert fresh_api.get("/v1/documents/annual_report_2024").json()["source"] == (
        "annual report 2024.txt"
    )
    again = fresh_api.post("/v1/documents", files=[note])  # nothing new: 200, not 201
    assert (again.status_code, again.json()["documents"][0]["status"]) == (200, "unchanged")
    twins = [
        ("files", ("same.txt", b"One text.", "text/plain")),
        ("files", ("same.md", b"Another text.", "text/markdown")),
    ]
    clash = fresh_api.post("/v1/documents", files=twins)
    assert clash.status_code == 422
    assert "same.txt and same.md map to the same doc_id 'same'" in clash.json()["detail"]


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("photo.png", b"\x89PNG\r\n", 415, "unsupported file type"),
        ("big.txt", b"word " * 20_000, 413, "over the 50,000-byte limit"),
        ("empty.txt", b"   \n", 422, "empty document"),
        ("latin1.txt", "café".encode("latin-1"), 422, "not valid UTF-8"),
        ("../../etc/pass?wd.txt", b"text", 422, "unusable document name"),
        ("..txt", b"text", 422, "'.' and '..' are path steps"),
    ],
)
def test_bad_uploads_are_clear_4xx_and_add_nothing(
    fresh_api: httpx.Client, name: str, content: bytes, status: int, words: str
) -> None:
    good = ("files", ("good.txt", b"A perfectly fine note about bridges.", "text/plain"))
    bad = ("files", (name, content, "application/octet-stream"))
    response = fresh_api.post("/v1/documents", files=[good, bad])
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert words in response.json()["detail"]
    assert fresh_api.get("/v1/documents/good").status_code == 404, "all or nothing"


def test_upload_limits_and_missing_files(fresh_api: httpx.Client) -> None:
    many = [("files", (f"n{i}.txt", b"Some text here.", "text/plain")) for i in range(4)]
    too_many = fresh_api.post("/v1/documents", files=many)
    assert too_many.status_code == 422 and "limit is 3" in too_many.json()["detail"]
    none = fresh_api.post("/v1/documents", data={"x": "1"})
    assert none.status_code == 422 and none.headers["content-type"] == PROBLEM
