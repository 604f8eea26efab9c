"""Ratio: the per-question score every metric is built from, and how ratios add up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """A numerator over a denominator; ``value`` is None when the denominator is 0.

    A question's score on a metric is a Ratio. Aggregating sums numerators and denominators:
    a plain mean for one-unit-per-question metrics (den 1), a per-item fraction otherwise
    (citation validity counts citations, not questions).
    """

    num: float
    den: float

    @property
    def value(self) -> float | None:
        """The fraction, or None when undefined."""
        return self.num / self.den if self.den else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.num + other.num, self.den + other.den)


EXCLUDED = Ratio(0.0, 0.0)
"""The score of a question that does not count for a metric."""

Scores = Mapping[str, Ratio]
"""One question's scores by metric name."""


def flag(ok: bool) -> Ratio:
    """1/1 when ``ok``, else 0/1."""
    return Ratio(1.0 if ok else 0.0, 1.0)


def share(value: float) -> Ratio:
    """A per-question value in [0, 1] that counts as one question."""
    return Ratio(value, 1.0)
