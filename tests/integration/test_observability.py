"""Request ids, JSON access logs with stage timings, `timings` on request, /metrics."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from citedqa.settings import Settings
from service.telemetry.logs import JsonFormatter, configure_logging
from tests.helpers import client_for, settings_like

KIM = {"question": "Where did Putin and Kim meet?"}
OFF_TOPIC = {"question": "Which recipe uses butter and chocolate?"}


@pytest.fixture(scope="module")
def api(seeded_settings: Settings) -> Iterator[TestClient]:
    with client_for(seeded_settings) as client:
        yield client


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """What the access logger writes, as the service's JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("citedqa.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def test_request_ids_are_echoed_when_sane_and_made_otherwise(api: TestClient) -> None:
    mine = api.get("/health", headers={"X-Request-ID": "trace-42.a:b"})
    assert mine.headers["x-request-id"] == "trace-42.a:b"
    for bad in ("two words", "x" * 200, '"quoted"'):
        made = api.get("/health", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
    fresh = {api.get("/v1/nothing").headers["x-request-id"] for _ in range(3)}
    assert len(fresh) == 3, "a new id for every request, errors included"


def test_an_unexpected_error_is_a_500_problem_with_its_request_id(
    seeded_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("bug")

    with client_for(seeded_settings) as api:
        api.app.state.components.qa.answer_many = boom  # type: ignore[attr-defined]
        response = api.post("/v1/query", json=KIM, headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500 and response.headers["x-request-id"] == "req-500"
    assert "req-500" in response.json()["detail"] and "bug" not in response.text
    assert any(getattr(r, "fields", {}).get("request_id") == "req-500" for r in caplog.records)


def test_access_log_is_json_with_request_id_status_and_stage_timings(
    api: TestClient, access_log: io.StringIO
) -> None:
    response = api.post("/v1/query", json=KIM, headers={"X-Request-ID": "req-obs-1"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    entry = next(e for e in lines if e.get("request_id") == "req-obs-1")
    assert entry["logger"] == "citedqa.access" and entry["level"] == "info"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/v1/query", 200)
    assert entry["duration_ms"] > 0 and entry["ts"].endswith("+00:00")
    # The second hop (multi-hop retrieval) runs when the first round's passages add a name.
    assert {"embed", "retrieve", "answer"} <= set(entry["stages_ms"])
    assert set(entry["stages_ms"]) <= {"embed", "retrieve", "second_hop", "answer"}
    assert sum(entry["stages_ms"].values()) <= entry["duration_ms"] + 0.5


def test_timings_in_the_response_only_when_asked(api: TestClient) -> None:
    assert api.post("/v1/query", json=KIM).json()["timings"] is None
    fresh = {"question": "Where did Kim Jong Un meet Putin?", "debug": True}  # no cached vector
    timings = api.post("/v1/query", json=fresh).json()["timings"]
    assert set(timings) == {"embed_ms", "retrieve_ms", "answer_ms", "total_ms"}
    assert timings["embed_ms"] > 0 and timings["retrieve_ms"] > 0
    stages = timings["embed_ms"] + timings["retrieve_ms"] + timings["answer_ms"]
    assert stages <= timings["total_ms"] + 0.5, "stages are exclusive, within the total"


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of the series `name` carrying all of `labels` (0 when there is none)."""
    for match in re.finditer(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, re.M):
        if all(f'{k}="{v}"' in match.group(1).split(",") for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


def test_metrics_count_requests_stages_and_refusals(seeded_settings: Settings) -> None:
    with client_for(seeded_settings) as api:
        api.post("/v1/query", json=KIM)
        api.post("/v1/query", json=OFF_TOPIC)
        api.post("/v1/query", json=OFF_TOPIC | {"stream": True})
        text = api.get("/metrics").text
    assert _sample(text, "citedqa_answers_total", outcome="answered") == 1
    assert _sample(text, "citedqa_answers_total", outcome="refused") == 2
    assert _sample(text, "citedqa_stage_seconds_count", stage="embed") == 3
    assert _sample(text, "http_requests_total", handler="/v1/query", status="2xx") == 3
    # The instrumentator's other default series, by route template (scrapes uncounted).
    assert _sample(text, "http_request_duration_seconds_count", handler="/v1/query") == 3
    assert _sample(text, "http_request_size_bytes_sum", handler="/v1/query") > 0
    assert _sample(text, "http_response_size_bytes_count", handler="/v1/query") == 3
    assert "http_request_duration_highr_seconds_bucket" in text
    assert 'handler="/metrics"' not in text
    assert "process_resident_memory_bytes" in text


def test_metrics_need_the_key_when_one_is_set(seeded_settings: Settings) -> None:
    with client_for(settings_like(seeded_settings, api_key="k-metrics")) as api:
        assert api.get("/metrics").status_code == 401
        assert api.get("/metrics", headers={"X-API-Key": "k-metrics"}).status_code == 200


def test_json_formatter_redacts_secrets_even_in_tracebacks() -> None:
    formatter = JsonFormatter(["s3cret-value"])
    try:
        raise RuntimeError("connect failed for key s3cret-value")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "using %s", ("s3cret-value",), sys.exc_info()
        )
    out = formatter.format(record)
    assert "s3cret-value" not in out and "key [redacted]" in json.loads(out)["error"]
    assert json.loads(out)["message"] == "using [redacted]"


def test_configure_logging_routes_uvicorn_through_the_json_handler(
    seeded_settings: Settings,
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    try:
        configure_logging(settings_like(seeded_settings, log_level="warning"), stream)
        logging.getLogger("uvicorn.error").warning("port %d busy", 8000)
        logging.getLogger("citedqa").info("below the level")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line) | {"ts": None} == {
        "ts": None, "level": "warning", "logger": "uvicorn.error", "message": "port 8000 busy"
    }  # fmt: skip


def test_no_debug_lines_at_the_info_level(seeded_settings: Settings) -> None:
    # bm25s sets its own logger to DEBUG and logs while the app builds its BM25 index.
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    try:
        settings = settings_like(seeded_settings, log_level="info")
        configure_logging(settings, stream)
        with client_for(settings) as api:
            body = api.post("/v1/retrieve", json={**KIM, "retrieval": "bm25"}).json()
            assert body["chunks"]
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    levels = {json.loads(line)["level"] for line in stream.getvalue().splitlines()}
    assert "info" in levels and "debug" not in levels
