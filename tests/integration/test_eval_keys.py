"""The eval harness and a service's API keys: the real service, over real HTTP.

A deployment's `CITEDQA_API_KEY` (often in `.env`) must neither turn an in-process run's
questions into 401s nor let a `--url` run report a service that refused every question.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import cli
from eval.inprocess import serve_app
from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import make_settings

TINY = Path(__file__).resolve().parent / "eval_suites" / "corpora" / "tiny"


def suite_args(out: Path) -> list[str]:
    return ["--questions", str(TINY / "questions.jsonl"), "--out", str(out)]


def error_rate(out: Path) -> float:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return float(report["overall"]["error_rate"]["value"])


def test_in_process_service_ignores_the_deployments_keys_and_rate_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEDQA_API_KEY", "deployment-key")
    monkeypatch.setenv("CITEDQA_ADMIN_API_KEY", "deployment-admin-key")
    monkeypatch.setenv("CITEDQA_RATE_LIMIT_PER_MINUTE", "1")
    out = tmp_path / "out"
    assert cli.main([*suite_args(out), "--corpus", str(TINY / "docs")]) == 0
    assert error_rate(out) == 0.0


def test_url_run_sends_its_key_and_stops_when_the_service_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path / "data", api_key="right-key")
    ingest_path(settings, TINY / "docs", show_progress=False)
    with serve_app(create_app(settings)) as url:
        for refused in ([], ["--api-key", "wrong-key"]):
            assert cli.main([*suite_args(tmp_path / "refused"), "--url", url, *refused]) == 2
            err = capsys.readouterr().err
            assert "401" in err and "--api-key" in err and "Traceback" not in err
        assert not (tmp_path / "refused" / "report.json").exists()

        out = tmp_path / "keyed"
        assert cli.main([*suite_args(out), "--url", url, "--api-key", "right-key"]) == 0
        assert error_rate(out) == 0.0

        monkeypatch.setenv("CITEDQA_API_KEY", "right-key")  # the default, as for the CLI
        out = tmp_path / "from_env"
        assert cli.main([*suite_args(out), "--url", url]) == 0
        assert error_rate(out) == 0.0
