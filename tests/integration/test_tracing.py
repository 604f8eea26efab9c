"""OpenTelemetry tracing (CITEDQA_OTEL): spans for the request, its stages and LLM calls."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from citedqa.settings import Settings
from tests.fake_llm import QUESTION, FakeLLM, Sent
from tests.helpers import ROOT, client_for, make_settings, settings_like


def spans_in(text: str) -> list[dict[str, Any]]:
    """The spans the console exporter printed (JSON objects, one after another)."""
    decoder, spans, at = json.JSONDecoder(), [], 0
    while (start := text.find("{", at)) >= 0:
        span, at = decoder.raw_decode(text, start)
        spans.append(span)
    return spans


def by_name(spans: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in spans}


def parent_of(span: dict[str, Any]) -> str | None:
    return span["parent_id"]


def test_console_tracing_makes_a_span_per_request_and_stage(
    seeded_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with client_for(settings_like(seeded_settings, otel="console")) as api:
        capsys.readouterr()
        assert api.post("/v1/query", json=QUESTION).status_code == 200
        spans = by_name(spans_in(capsys.readouterr().out))
    request = spans["POST /v1/query"]
    assert request["kind"] == "SpanKind.SERVER"
    assert request["attributes"]["http.response.status_code"] == 200
    for stage in ("embed", "retrieve", "answer"):
        assert spans[stage]["context"]["trace_id"] == request["context"]["trace_id"]
    assert parent_of(spans["embed"]) == spans["retrieve"]["context"]["span_id"]
    assert parent_of(spans["answer"]) == request["context"]["span_id"]


def test_an_llm_call_is_a_span_inside_the_answer_stage(
    seeded_settings: Settings, fake: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.reply = lambda sent: f"They met at Vostochny [{sent.cite('Vostochny')}]."
    settings = make_settings(
        seeded_settings.data_dir,
        collection=seeded_settings.collection,
        llm="ollama",
        llm_base_url=fake.url,
        llm_model="fake-model",
        otel="console",
    )
    with client_for(settings) as api:
        capsys.readouterr()
        assert api.post("/v1/query", json=QUESTION).status_code == 200
        spans = by_name(spans_in(capsys.readouterr().out))
        assert "event: final" in api.post("/v1/query", json={**QUESTION, "stream": True}).text
        streamed = spans_in(capsys.readouterr().out)
    llm = spans["chat fake-model"]
    assert llm["attributes"]["gen_ai.system"] == "ollama"
    assert parent_of(llm) == spans["answer"]["context"]["span_id"]
    assert isinstance(fake.sent[0], Sent)
    assert {"chat fake-model", "POST /v1/query"} <= {s["name"] for s in streamed}


def test_off_imports_nothing_from_opentelemetry() -> None:
    program = """
import sys
from citedqa.settings import Settings
from service.telemetry.timings import stage, timed_request
from service.telemetry.tracing import llm_span, request_span, start_tracing
tracing = start_tracing(Settings(_env_file=None))
assert tracing is None
with request_span(tracing, "GET", "/"), timed_request(), stage("embed"), llm_span("x", "y"):
    pass
print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
"""
    run = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]", run.stdout
