"""The metric catalogue: names, labels, direction and grouping of every reported metric.

Definitions are in eval/METRICS.md; the functions computing them live in the *_metrics modules.
"""

from __future__ import annotations

from dataclasses import dataclass

REPORT_SCHEMA = "citedqa-eval-report/3"
"""Written into report.json; bump it when a metric's name or definition changes."""

HIT_AT_1 = "hit_at_1"
HIT_AT_5 = "hit_at_5"
MRR_AT_10 = "mrr_at_10"
NDCG_AT_10 = "ndcg_at_10"
SOURCES_AT_5 = "sources_at_5"
ANSWER_AT_5 = "answer_at_5"
ANSWER_ACCURACY = "answer_accuracy"
KEY_FACT_RECALL = "key_fact_recall"
TOKEN_F1 = "token_f1"
CITATION_VALIDITY = "citation_validity"
CITATION_PRECISION = "citation_precision"
CITATION_RECALL = "citation_recall"
REFUSAL_PRECISION = "refusal_precision"
REFUSAL_RECALL = "refusal_recall"
REFUSAL_RECALL_ON_TOPIC = "refusal_recall_on_topic"
REFUSAL_RECALL_OFF_TOPIC = "refusal_recall_off_topic"
FALSE_REFUSAL_RATE = "false_refusal_rate"
ERROR_RATE = "error_rate"
MEDIAN_ANSWER_WORDS = "median_answer_words"
LATENCY_P50 = "latency_p50_ms"
LATENCY_P95 = "latency_p95_ms"
LATENCY_P99 = "latency_p99_ms"


@dataclass(frozen=True)
class MetricInfo:
    """How a metric is shown and which way is better."""

    label: str
    short: str
    higher_is_better: bool = True


METRICS: dict[str, MetricInfo] = {
    HIT_AT_1: MetricInfo("retrieval hit@1", "hit@1"),
    HIT_AT_5: MetricInfo("retrieval hit@5", "hit@5"),
    MRR_AT_10: MetricInfo("retrieval MRR@10", "MRR"),
    NDCG_AT_10: MetricInfo("retrieval nDCG@10", "nDCG"),
    SOURCES_AT_5: MetricInfo("every gold source in the top 5 chunks", "all@5"),
    ANSWER_AT_5: MetricInfo("answer in the top 5 chunks", "ans@5"),
    ANSWER_ACCURACY: MetricInfo("answer accuracy (all key facts)", "acc."),
    KEY_FACT_RECALL: MetricInfo("answer key-fact recall", "recall"),
    TOKEN_F1: MetricInfo("answer token F1", "F1"),
    CITATION_VALIDITY: MetricInfo("citation validity", "cit. valid"),
    CITATION_PRECISION: MetricInfo("citation precision", "cit. P"),
    CITATION_RECALL: MetricInfo("citation recall", "cit. R"),
    REFUSAL_PRECISION: MetricInfo("refusal precision", "refusal P"),
    REFUSAL_RECALL: MetricInfo("refusal recall", "refusal R"),
    REFUSAL_RECALL_ON_TOPIC: MetricInfo("refusal recall, on-topic", "ref. R on"),
    REFUSAL_RECALL_OFF_TOPIC: MetricInfo("refusal recall, off-topic", "ref. R off"),
    FALSE_REFUSAL_RATE: MetricInfo("false-refusal rate", "false ref.", higher_is_better=False),
    ERROR_RATE: MetricInfo("request error rate", "errors", higher_is_better=False),
    MEDIAN_ANSWER_WORDS: MetricInfo(
        "median answer length (words)", "words", higher_is_better=False
    ),
    LATENCY_P50: MetricInfo("query latency p50 (ms)", "p50 ms", higher_is_better=False),
    LATENCY_P95: MetricInfo("query latency p95 (ms)", "p95 ms", higher_is_better=False),
    LATENCY_P99: MetricInfo("query latency p99 (ms)", "p99 ms", higher_is_better=False),
}
"""Every reported metric, in display order."""

LATENCY_PERCENTILES: dict[str, float] = {LATENCY_P50: 50.0, LATENCY_P95: 95.0, LATENCY_P99: 99.0}
LATENCY_METRICS: tuple[str, ...] = tuple(LATENCY_PERCENTILES)
MEDIAN_METRICS: tuple[str, ...] = (MEDIAN_ANSWER_WORDS,)
"""Per-question values (a Ratio ``value / 1``) aggregated by their median, not their sum:
a count such as words is not a share, and a few long answers should not move it much."""
RATIO_METRICS: tuple[str, ...] = tuple(
    m for m in METRICS if m not in LATENCY_PERCENTILES and m not in MEDIAN_METRICS
)
GATEABLE_METRICS: tuple[str, ...] = RATIO_METRICS + MEDIAN_METRICS
RETRIEVAL_METRICS: tuple[str, ...] = (
    HIT_AT_1,
    HIT_AT_5,
    MRR_AT_10,
    NDCG_AT_10,
    SOURCES_AT_5,
    ANSWER_AT_5,
)

EMPTY_DEFAULTS: dict[str, float] = {CITATION_VALIDITY: 1.0}
"""Aggregate value when no question counts: no citations at all means none is invalid."""


def label(metric: str) -> str:
    """The long human label of a metric."""
    return METRICS[metric].label


def short_label(metric: str) -> str:
    """The column heading of a metric in wide tables."""
    return METRICS[metric].short


def higher_is_better(metric: str) -> bool:
    """True when a larger value is an improvement."""
    return METRICS[metric].higher_is_better
