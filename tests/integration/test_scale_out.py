"""Two uvicorn workers on one Chroma server answer alike and see each other's writes."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.job import ingest_path
from tests.helpers import ROOT, SEEDS, free_port, make_settings, wait_for_service


@pytest.fixture
def two_workers(chroma_server: tuple[str, int], tmp_path: Path) -> Iterator[tuple[str, dict]]:
    host, port = chroma_server
    env = {
        **os.environ,
        "CITEDQA_CHROMA_HOST": host,
        "CITEDQA_CHROMA_PORT": str(port),
        "CITEDQA_COLLECTION": f"w-{uuid.uuid4().hex[:8]}",
        "CITEDQA_PORT": str(free_port()),
        "CITEDQA_WORKERS": "2",
        "CITEDQA_THREADS": "1",
    }
    settings = make_settings(
        tmp_path, chroma_host=host, chroma_port=port, collection=env["CITEDQA_COLLECTION"]
    )
    ingest_path(settings, SEEDS, show_progress=False)
    log = (tmp_path / "service.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "service"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{env['CITEDQA_PORT']}"
    try:
        wait_for_service(url, proc, tmp_path / "service.log", 90)
        yield url, env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_workers_agree_and_notice_another_process_ingest(
    two_workers: tuple[str, dict], tmp_path: Path
) -> None:
    url, env = two_workers
    question = {"question": "What does the Lindholm ferry carry?", "retrieval": "hybrid"}
    # A new connection per request, so the kernel spreads requests over both workers.
    with httpx.Client(base_url=url, timeout=60, headers={"Connection": "close"}) as api:
        answers = {
            api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"}).text
            for _ in range(12)
        }
        assert len(answers) == 1, "workers gave different answers"
        before = api.post("/v1/query", json=question).json()
        assert all(c["doc_id"] != "ferry" for c in before["citations"])
        # Another process writes; both workers must notice (their BM25 indexes included).
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "ferry.txt").write_text(
            "The Lindholm ferry carries 120 cars and 300 passengers on each crossing."
        )
        ingest = subprocess.run(
            [sys.executable, "-m", "ingest", str(extra), "--quiet"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert ingest.returncode == 0, ingest.stderr
        # Workers check the store's generation at most once a second, then rebuild BM25 in
        # the background: the new document shows within seconds, and from then on always.
        deadline = time.monotonic() + 30
        while not _both_noticed(api, question):
            assert time.monotonic() < deadline, "the workers did not notice the ingest"
            time.sleep(0.5)
        for _ in range(12):
            body = api.post("/v1/query", json=question).json()
            assert body["citations"] and body["citations"][0]["doc_id"] == "ferry"
            lexical = api.post("/v1/retrieve", json={**question, "retrieval": "bm25"}).json()
            assert lexical["chunks"][0]["doc_id"] == "ferry"


def _both_noticed(api: httpx.Client, question: dict) -> bool:
    """True when a dozen requests (spread over both workers) all find the new document."""
    for _ in range(12):
        lexical = api.post("/v1/retrieve", json={**question, "retrieval": "bm25"}).json()
        if not lexical["chunks"] or lexical["chunks"][0]["doc_id"] != "ferry":
            return False
    return True
