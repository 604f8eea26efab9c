"""Report files, the worst-questions ranking and --compare, without any service."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from eval.catalog import (
    ANSWER_ACCURACY,
    CITATION_VALIDITY,
    HIT_AT_5,
    MEDIAN_ANSWER_WORDS,
    REFUSAL_RECALL_OFF_TOPIC,
    REFUSAL_RECALL_ON_TOPIC,
)
from eval.compare import compare, format_comparison, load_previous
from eval.errors import UsageError
from eval.formats import corpus_formats
from eval.gate import Thresholds, check_gate
from eval.markdown import category_table, overall_table, render
from eval.modes import RetrievalComparison
from eval.observation import Citation, Observation
from eval.plot import PLOT_NAME
from eval.questions import UNANSWERABLE_OFF_TOPIC, UNANSWERABLE_ON_TOPIC, Question
from eval.report import Report
from eval.summary import Summary, summarize
from eval.worst import failed, question_score, worst

DOC = "Putin met Kim Jong Un. They discussed railways."
GOOD_CITE = Citation("000_a", "t", "c", "railways", 38, 46, 0.9)
BAD_CITE = Citation("000_a", "t", "c", "railways", 37, 45, 0.9)


def question(qid: str, answerable: bool = True) -> Question:
    if not answerable:
        return Question(qid, f"{qid}?", (), (), False, "unanswerable")
    return Question(qid, f"{qid}?", (("railways",),), ("000",), True, "single_fact")


def run(outcomes: dict[str, Observation]) -> Summary:
    questions = [question(qid, not qid.startswith("u")) for qid in outcomes]
    return summarize(questions, list(outcomes.values()), {"000_a": DOC})


RIGHT = Observation("railways [1]", False, (GOOD_CITE,), ("000_a",), 10.0)
WRONG = Observation("no idea", False, (), ("001_b",), 20.0)


def test_worst_puts_failures_first_then_lowest_score() -> None:
    summary = run(
        {
            "ok": RIGHT,
            "bad_cite": Observation("railways [1]", False, (BAD_CITE,), ("000_a",), 10.0),
            "wrong": WRONG,
            "error": Observation(error="POST /v1/query: 500"),
            "u_refused": Observation("", True, (), (), 5.0),
            "u_answered": Observation("made up", False, (), (), 5.0),
        }
    )
    by_id = {i.question.id: i for i in summary.questions}
    assert not failed(by_id["ok"]) and not failed(by_id["u_refused"])
    assert question_score(by_id["error"]) == 0.0
    assert question_score(by_id["ok"]) == 1.0
    ranked = [i.question.id for i in worst(summary.questions)]
    assert ranked[:2] == ["error", "wrong"]
    assert set(ranked[2:4]) == {"bad_cite", "u_answered"}
    assert ranked[4:] == ["ok", "u_refused"]  # passing questions last
    assert len(worst(summary.questions, 3)) == 3


def make_report(summary: Summary, thresholds: Thresholds) -> Report:
    note = "skipped: the service does not accept the `retrieval` field (hybrid: 422)"
    return Report(
        summary, RetrievalComparison({}, note), thresholds, check_gate(summary, thresholds), {}
    )


def test_markdown_and_json_report(tmp_path: Path) -> None:
    summary = run({"ok": RIGHT, "wrong": WRONG})
    report = make_report(summary, Thresholds(minimum={ANSWER_ACCURACY: 0.9}))
    table = overall_table(report)
    assert "| answer accuracy (all key facts) | 0.500 | [0.000, 1.000] | 2 | >= 0.900 | FAIL |" in (
        table
    )
    markdown = render(report)
    assert "## Gate: FAIL" in markdown
    assert "Note: skipped: the service does not accept the `retrieval` field" in markdown
    assert "### 1. `wrong` (single_fact), question score" in markdown
    # The service returned one chunk: the line says so instead of announcing "top 5 of 10".
    assert "- retrieved (top 1 of the 1 returned, 10 asked for): 001_b" in markdown
    assert "- answer: “no idea”" in markdown
    json_path, md_path, png_path = report.write(tmp_path)
    data = json.loads(json_path.read_text())
    assert data["gate"]["failures"][0]["questions"] == ["wrong"]
    assert data["questions"][0]["scores"][CITATION_VALIDITY] == [1.0, 1.0]
    assert data["questions"][0]["citations"][0]["supporting"] is True
    assert data["worst"] == ["wrong", "ok"]
    assert md_path.read_text() == markdown
    assert png_path.read_bytes().startswith(b"\x89PNG")


def test_without_matplotlib_the_report_is_written_without_its_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    report = make_report(run({"ok": RIGHT}), Thresholds())
    (tmp_path / PLOT_NAME).write_bytes(b"an earlier run's chart")
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails: not installed
    written = report.write(tmp_path)
    assert [p.name for p in written] == ["report.json", "report.md"]
    assert not (tmp_path / PLOT_NAME).exists()
    assert PLOT_NAME not in (tmp_path / "report.md").read_text()
    assert "uv sync --extra eval" in caplog.text


def test_compare_paired_and_with_an_older_report(tmp_path: Path) -> None:
    old = run({f"q{i}": RIGHT for i in range(6)})
    make_report(old, Thresholds()).write(tmp_path / "old")
    new = run({f"q{i}": WRONG for i in range(6)})
    comparison = compare(new, load_previous(tmp_path / "old" / "report.json"))
    deltas = {d.metric: d for d in comparison.deltas}
    assert comparison.paired == 6
    assert deltas[HIT_AT_5].change == -1.0
    assert deltas[HIT_AT_5].verdict == "regressed"
    text = format_comparison(comparison)
    assert "Significant regressions: hit_at_1, hit_at_5, mrr_at_10" in text
    assert "| query latency p50 (ms) | 10 | 20 | +10 | [10, 10] | slower |" in text
    assert "Significantly slower: latency_p50_ms, latency_p95_ms, latency_p99_ms" in text

    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps({"overall": {"hit_at_5": 1.0}, "questions": [{"id": "q0"}]}))
    comparison = compare(new, load_previous(legacy))
    assert comparison.paired == 0
    assert {d.metric: d for d in comparison.deltas}[HIT_AT_5].verdict == ""
    assert "no per-question scores in common" in format_comparison(comparison)
    with pytest.raises(UsageError, match="not a readable eval report"):
        load_previous(tmp_path / "old" / "report.md")


def test_retrieved_line_counts_what_was_returned() -> None:
    ten = Observation("no idea", False, (), tuple(f"00{i % 3}_x" for i in range(10)), 20.0)
    markdown = render(make_report(run({"wrong": ten}), Thresholds()))
    assert "- retrieved (top 5 of 10): 000_x (gold), 001_x, 002_x, 000_x (gold), 001_x\n" in (
        markdown
    )
    four = Observation("no idea", False, (), ("001_b",) * 4, 20.0)
    markdown = render(make_report(run({"wrong": four}), Thresholds()))
    assert "- retrieved (top 4 of the 4 returned, 10 asked for): 001_b, 001_b, 001_b, 001_b\n" in (
        markdown
    )


def test_new_metrics_in_tables_and_json(tmp_path: Path) -> None:
    questions = [
        Question("a", "a?", (("railways",),), ("000",), True, "single_fact"),
        Question("on", "on?", (), (), False, UNANSWERABLE_ON_TOPIC),
        Question("off", "off?", (), (), False, UNANSWERABLE_OFF_TOPIC),
    ]
    observations = [RIGHT, Observation("made up", False, (), (), 5.0), Observation("", True)]
    summary = summarize(questions, observations, {"000_a": DOC})
    thresholds = Thresholds(
        minimum={REFUSAL_RECALL_ON_TOPIC: 0.0, REFUSAL_RECALL_OFF_TOPIC: 0.0},
        maximum={MEDIAN_ANSWER_WORDS: 80},
    )
    report = make_report(summary, thresholds)
    table = overall_table(report)
    assert "| refusal recall, on-topic | 0.000 | [0.000, 0.000] | 1 | >= 0.000 | pass |" in table
    assert "| refusal recall, off-topic | 1.000 | [1.000, 1.000] | 1 | >= 0.000 | pass |" in table
    assert "| median answer length (words) | 1.0 | [1.0, 1.0] | 1 | <= 80.0 | pass |" in table
    header, _, *rows = category_table(report).splitlines()
    assert "ref. R on" in header and "ref. R off" in header and "words" in header
    cells = {row.split(" | ")[0].strip("| "): row for row in rows}
    assert cells[UNANSWERABLE_OFF_TOPIC].count("1.000") >= 2  # refusal R and ref. R off
    data = json.loads(report.write(tmp_path)[0].read_text())
    assert data["overall"][MEDIAN_ANSWER_WORDS]["value"] == 1.0
    assert data["overall"][REFUSAL_RECALL_ON_TOPIC]["value"] == 0.0
    assert data["categories"][UNANSWERABLE_ON_TOPIC][REFUSAL_RECALL_ON_TOPIC]["value"] == 0.0
    assert data["categories"]["single_fact"][MEDIAN_ANSWER_WORDS]["value"] == 1.0
    assert data["gate"]["thresholds"]["max"] == {MEDIAN_ANSWER_WORDS: 80}
    assert data["questions"][0]["scores"][MEDIAN_ANSWER_WORDS] == [1.0, 1.0]


def test_a_report_without_thresholds_says_it_did_not_gate(tmp_path: Path) -> None:
    summary = run({"wrong": WRONG})
    report = Report(summary, RetrievalComparison({}), Thresholds(), [], {}, gated=False)
    assert "## Gate: not gated (no thresholds given: reported only)" in render(report)
    data = json.loads(report.write(tmp_path)[0].read_text())
    assert data["gate"]["gated"] is False and data["gate"]["passed"] is None


def test_a_corpus_of_mixed_formats_gets_a_per_format_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ["000_a.txt", "001_b.pdf", ".hidden.docx"]:
        (corpus / name).write_text("x")
    formats = corpus_formats(corpus)
    assert formats == {"000_a": "txt", "001_b": "pdf"}
    questions = [
        Question("t", "t?", (("railways",),), ("000",), True, "single_fact"),
        Question("p", "p?", (("railways",),), ("001",), True, "single_fact"),
        question("u", answerable=False),  # no source: in no format's line
    ]
    observations = [RIGHT, WRONG, Observation("", True, (), (), 5.0)]
    summary = summarize(questions, observations, {"000_a": DOC}, formats)
    assert summary.format_sizes == {"pdf": 1, "txt": 1}
    assert summary.formats["txt"][ANSWER_ACCURACY].value == 1.0
    assert summary.formats["pdf"][ANSWER_ACCURACY].value == 0.0
    report = make_report(summary, Thresholds())
    markdown = render(report)
    assert "## Per format" in markdown and "| pdf | 1 |" in markdown and "| txt | 1 |" in markdown
    assert report.to_json()["formats"]["pdf"]["questions"] == 1
    # One format only: no per-format line.
    plain = summarize(questions[:1], observations[:1], {"000_a": DOC}, formats)
    assert plain.formats == {} and "## Per format" not in render(make_report(plain, Thresholds()))


def test_eval_help_has_no_docstring_markup() -> None:
    from eval.cli import build_parser

    shown = build_parser().format_help()
    assert "python -m eval" in shown and "``" not in shown
