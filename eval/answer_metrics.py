"""Answer metrics: accuracy, key-fact recall and token F1 against the gold key facts, and
the answer's length in words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice, product

from eval.catalog import ANSWER_ACCURACY, KEY_FACT_RECALL, MEDIAN_ANSWER_WORDS, TOKEN_F1
from eval.observation import Observation
from eval.questions import KeyFact, Question
from eval.ratio import EXCLUDED, Ratio, flag, share
from eval.textnorm import contains_phrase, normalize, strip_markers

ARTICLES = frozenset({"a", "an", "the"})
MAX_GOLD_CHOICES = 256
"""Token F1 tries at most this many ways of picking one alternative per key fact."""


def facts_found(facts: Sequence[KeyFact], text: str) -> list[bool]:
    """For each key fact, whether some alternative appears (word-bounded) in ``text``."""
    text = strip_markers(text)
    return [any(contains_phrase(text, alt) for alt in fact) for fact in facts]


def tokens(text: str) -> list[str]:
    """Normalised words without citation markers and articles (all words if only articles)."""
    words = normalize(strip_markers(text)).split()
    return [w for w in words if w not in ARTICLES] or words


def token_f1(facts: Sequence[KeyFact], answer: str) -> float:
    """SQuAD-style bag-of-words F1 of ``answer`` against the key facts.

    The gold text is one alternative per key fact, joined; the best choice counts.
    """
    predicted = Counter(tokens(answer))
    return max((_f1(predicted, Counter(tokens(" ".join(c)))) for c in _choices(facts)), default=0)


def word_count(text: str) -> int:
    """Words of an answer without its citation markers: whitespace-separated tokens holding a
    letter or digit (a dash or a lone quote mark is not a word; "U.S." is one)."""
    return sum(1 for token in strip_markers(text).split() if any(ch.isalnum() for ch in token))


def length_scores(question: Question, observation: Observation) -> dict[str, Ratio]:
    """The answer's word count, for ``median_answer_words``.

    Only answers to answerable questions count, and only real ones: a refusal's wording or
    a failed request's empty answer says nothing about how long the answers are.
    """
    if not question.answerable or observation.refused or observation.error is not None:
        return {MEDIAN_ANSWER_WORDS: EXCLUDED}
    return {MEDIAN_ANSWER_WORDS: Ratio(float(word_count(observation.answer)), 1.0)}


def _choices(facts: Sequence[KeyFact]) -> Iterator[tuple[str, ...]]:
    return islice(product(*facts), MAX_GOLD_CHOICES)


def _f1(predicted: Counter[str], gold: Counter[str]) -> float:
    common = sum((predicted & gold).values())
    if not common:
        return 0.0
    precision, recall = common / predicted.total(), common / gold.total()
    return 2 * precision * recall / (precision + recall)


def answer_scores(question: Question, observation: Observation) -> dict[str, Ratio]:
    """Accuracy (all key facts present), key-fact recall and token F1.

    Only answerable questions count; a refused answer scores 0 whatever its wording.
    """
    if not (question.answerable and question.answers):
        return dict.fromkeys((ANSWER_ACCURACY, KEY_FACT_RECALL, TOKEN_F1), EXCLUDED)
    answer = "" if observation.refused else observation.answer
    found = facts_found(question.answers, answer)
    return {
        ANSWER_ACCURACY: flag(all(found)),
        KEY_FACT_RECALL: share(sum(found) / len(found)),
        TOKEN_F1: share(token_f1(question.answers, answer)),
    }
