"""Several suites in one run, end to end: real in-process services over tiny corpora.

``tests/eval_suites/seed`` stands in for ``seeds/`` with the seed questions and thresholds,
``tests/eval_suites/corpora`` for ``eval/corpora/``. They are test data, not held-out corpora.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval import cli
from eval.errors import UsageError
from eval.suites import discover

SUITES = Path(__file__).resolve().parent / "eval_suites"
ROOT = Path(__file__).resolve().parents[2]


def test_discover_finds_complete_corpus_folders_only(tmp_path: Path) -> None:
    assert discover(tmp_path / "missing", tmp_path / "out") == []  # no eval/corpora/ yet
    shutil.copytree(SUITES / "corpora" / "tiny", tmp_path / "b_tiny")
    (tmp_path / "a_docs_only" / "docs").mkdir(parents=True)
    shutil.copytree(SUITES / "corpora" / "tiny", tmp_path / "c_ungated")
    (tmp_path / "c_ungated" / "thresholds.toml").unlink()
    (tmp_path / "notes.txt").write_text("not a corpus", encoding="utf-8")
    suites = discover(tmp_path, tmp_path / "out")
    assert [s.name for s in suites] == ["b_tiny", "c_ungated"]
    assert suites[0].corpus == tmp_path / "b_tiny" / "docs"
    assert suites[0].thresholds == tmp_path / "b_tiny" / "thresholds.toml"
    assert suites[0].out == tmp_path / "out" / "b_tiny"
    assert suites[1].thresholds is None  # never the seed thresholds


def test_default_run_evaluates_every_suite_with_its_own_store_and_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora = tmp_path / "corpora"
    shutil.copytree(SUITES / "corpora" / "tiny", corpora / "tiny")
    shutil.copytree(SUITES / "corpora" / "tiny", corpora / "tiny_strict")
    (corpora / "tiny_strict" / "thresholds.toml").write_text(
        "[max]\nmedian_answer_words = 1\n", encoding="utf-8"
    )
    (corpora / "incomplete" / "docs").mkdir(parents=True)  # no questions.jsonl: not a suite
    seed = SUITES / "seed"
    monkeypatch.setattr(cli, "DEFAULT_CORPUS", seed / "docs")
    monkeypatch.setattr(cli, "DEFAULT_QUESTIONS", seed / "questions.jsonl")
    monkeypatch.setattr(cli, "DEFAULT_THRESHOLDS", seed / "thresholds.toml")
    monkeypatch.setattr(cli, "CORPORA_DIR", corpora)
    out = tmp_path / "out"

    assert cli.main(["--out", str(out)]) == 1  # one suite failed its own gate
    stdout = capsys.readouterr().out
    for name in ("seeds", "tiny", "tiny_strict"):
        assert f"== suite {name} ==" in stdout
    assert "incomplete" not in stdout
    verdicts = stdout.rsplit("\n\n", 1)[1].splitlines()
    assert [v.split(" in ")[0] for v in verdicts] == [
        "seeds: PASS: 2 test questions",
        "tiny: PASS: 2 test questions",
        "tiny_strict: FAIL: 2 test questions",
    ]
    assert "FAIL median_answer_words" in stdout

    reports = {n: json.loads((out / n / "report.json").read_text()) for n in ("seeds", "tiny")}
    seeds, tiny = reports["seeds"], reports["tiny"]
    assert [q["id"] for q in seeds["questions"]] == ["s1", "s3"]  # the test split only
    assert [q["id"] for q in tiny["questions"]] == ["t1", "t2"]  # no split field: all test
    assert seeds["gate"]["thresholds"]["min"] == {"citation_validity": 1.0}
    assert tiny["gate"]["thresholds"]["max"]["median_answer_words"] == 60
    assert tiny["config"]["suite"] == "tiny" and tiny["config"]["split"] == "test"
    # Each suite has its own store: nothing the other suite ingested is retrieved or cited.
    for report, doc in ((seeds, "harbour"), (tiny, "river")):
        for q in report["questions"]:
            assert q["retrieved_doc_ids"] and set(q["retrieved_doc_ids"]) == {doc}
            assert {c["doc_id"] for c in q["citations"]} <= {doc}
    assert (out / "tiny_strict" / "report.md").read_text().count("## Gate: FAIL") == 1


def test_a_corpus_settings_file_sets_its_own_service(tmp_path: Path) -> None:
    shutil.copytree(SUITES / "corpora" / "tiny", tmp_path / "other_language")
    (tmp_path / "other_language" / "settings.toml").write_text(
        '[settings]\nembedder = "multilingual"\n', encoding="utf-8"
    )
    shutil.copytree(SUITES / "corpora" / "tiny", tmp_path / "plain")
    other, plain = discover(tmp_path, tmp_path / "out")
    assert (other.settings, plain.settings) == ({"embedder": "multilingual"}, {})
    (tmp_path / "plain" / "settings.toml").write_text("settings = 3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="must be a table"):
        discover(tmp_path, tmp_path / "out")
    crosslingual = {s.name: s for s in discover(ROOT / "eval" / "corpora", tmp_path)}
    assert crosslingual["crosslingual"].settings == {"embedder": "multilingual"}
