"""When does a quote support an answer sentence?

No entailment model can be installed offline, so support is defined from what the service
already has: key terms (`citedqa.terms.key_terms`) and the embedder.

1. **Verbatim**: a sentence equal to its quote, or contained in it (up to case, spacing and
   end punctuation), is supported; nothing is embedded for it. The extractive answerer's
   sentences are their quotes, so they always pass here, at no cost.
2. **Facts a reader checks first must be in the quote**: every number written in digits,
   every number word when the quote states numbers of its own ("thirty" against "20"), and
   every name (a capitalised word inside the sentence, "Moscow"). Missing one: unsupported.
3. **About the same thing**: the cosine `similarity` of the two texts' embeddings must be
   at least `min_similarity`.
4. **Says little the quote does not**: `coverage` is the share of the sentence's key terms
   found in the quote (a term also counts when one stem starts the other, "russia" and
   "russian"); `score = (similarity + coverage) / 2` must be at least `min_score`.

A paraphrase keeps its names, numbers and a high similarity; a sentence that adds facts
loses coverage or misses a name or number. Rule 2 is strict on purpose: a quote that says
"he" or "Pyongyang" does not show the reader "Putin" or "North Korea" (an answerer may add
the sentence that does). Several quotes support a sentence together when their joined text
does. Negation and roles are not checked: "A beat B" and "B beat A", or "did" and "did
not", look alike here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from citedqa.embedder import Embedder
from citedqa.terms import capitalised_words, key_terms, stem, stopwords
from service.qa.vectors import CachedVectors

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
# "one" is left out: far more often a pronoun ("one of the leaders") than a count.
_UNITS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS, start=2)} | {
    w: 20 + 10 * i for i, w in enumerate(_TENS)
}
_NUMBER_WORD = re.compile(
    rf"\b({'|'.join(_TENS)})[- ]({'|'.join(_UNITS[:8])})\b|\b({'|'.join(_WORD_VALUES)})\b",
    re.IGNORECASE,
)
_MIN_PREFIX = 4  # stems shorter than this only match exactly


@dataclass(frozen=True, slots=True)
class Support:
    """How well a quote backs a sentence, and the verdict."""

    supported: bool
    score: float
    similarity: float = 1.0
    coverage: float = 1.0
    missing: frozenset[str] = frozenset()  # numbers and names the quote lacks


VERBATIM = Support(supported=True, score=1.0)


def digit_numbers(text: str) -> frozenset[str]:
    """Numbers written in digits, normalised ("1,000" -> "1000")."""
    return frozenset(m.group().replace(",", "") for m in _DIGITS.finditer(text))


def word_numbers(text: str) -> frozenset[str]:
    """Numbers written in words, as digits ("thirty-two" -> "32")."""
    out = set()
    for m in _NUMBER_WORD.finditer(text):
        if m.group(1):
            out.add(str(_WORD_VALUES[m.group(1).lower()] + _WORD_VALUES[m.group(2).lower()]))
        else:
            out.add(str(_WORD_VALUES[m.group(3).lower()]))
    return frozenset(out)


def names(text: str) -> frozenset[str]:
    """Stems of the names in a sentence (`citedqa.terms.capitalised_words`)."""
    stop = stopwords()
    out = set()
    for word in capitalised_words(text):
        for part in word.lower().split("-"):
            if part and part not in stop:
                out.add(stem(re.sub(r"['’]s$", "", part)))
    return frozenset(out)


def missing_facts(claim: str, quote: str) -> frozenset[str]:
    """The claim's numbers and names that the quote does not state (rule 2)."""
    quoted = digit_numbers(quote) | word_numbers(quote)
    wanted = digit_numbers(claim) | (word_numbers(claim) if quoted else frozenset())
    have = set(key_terms(quote))
    return (wanted - quoted) | frozenset(n for n in names(claim) if not _found(n, have))


def coverage(claim: str, quote: str) -> float:
    """Share of the claim's distinct key terms that the quote holds (1.0 when it has none)."""
    wanted = set(key_terms(claim))
    return len(covered_terms(claim, quote)) / len(wanted) if wanted else 1.0


def covered_terms(claim: str, quote: str) -> set[str]:
    """The claim's key terms that the quote holds."""
    have = set(key_terms(quote))
    return {t for t in key_terms(claim) if _found(t, have)}


def _found(term: str, have: set[str]) -> bool:
    if term in have:
        return True
    if len(term) < _MIN_PREFIX:
        return False
    return any(len(h) >= _MIN_PREFIX and (h.startswith(term) or term.startswith(h)) for h in have)


_MARKER = re.compile(r"\[\d+\]")


def _normal(text: str) -> str:
    """Case, spacing, end punctuation and `[n]` markers do not count (markers are the
    Citer's, never a document's)."""
    return " ".join(_MARKER.sub(" ", text).casefold().split()).strip(" .!?…\"'“”")


def verbatim(claim: str, quote: str) -> bool:
    """The claim is the quote, or a part of it, up to case, spacing and end punctuation."""
    c = _normal(claim)
    return bool(c) and c in _normal(quote)


class SupportJudge:
    """Applies the definition above with the service's embedder."""

    def __init__(
        self,
        embedder: Embedder,
        min_score: float = 0.5,
        min_similarity: float = 0.5,
        cache_size: int = 4096,
    ) -> None:
        self._embedder = embedder
        self.min_score = min_score
        self.min_similarity = min_similarity
        # The answerer rates a sentence to pick its quotes, then the Citer rates it again.
        self._cached = CachedVectors(embedder, cache_size)

    def rate(self, claim: str, quotes: Sequence[str]) -> list[Support]:
        """Support of `claim` by each quote on its own (one embedding call for all)."""
        out: list[Support | None] = [VERBATIM if verbatim(claim, q) else None for q in quotes]
        todo = [i for i, s in enumerate(out) if s is None]
        if todo:
            vectors = self._vectors([claim, *(quotes[i] for i in todo)])
            for row, i in enumerate(todo, start=1):
                out[i] = self._judge(claim, quotes[i], float(vectors[0] @ vectors[row]))
        return [s for s in out if s is not None]

    def joint(self, claim: str, quotes: Sequence[str]) -> Support:
        """Support of `claim` by all the quotes together."""
        if not quotes:
            return Support(supported=False, score=0.0, similarity=0.0, coverage=0.0)
        return self.rate(claim, [" ".join(q.strip() for q in quotes)])[0]

    def select(self, claim: str, quotes: Sequence[str], limit: int | None = None) -> list[int]:
        """Indices of the quotes that back `claim`, in order; empty when it is unsupported.

        Starting from the best quote, each further quote (up to `limit` in all) is the one
        holding most of what the claim still lacks, names and numbers counting double. They
        are kept when together they support the claim; else the best one if it does alone.
        """
        if not quotes:
            return []
        ratings = self.rate(claim, quotes)
        order = sorted(range(len(quotes)), key=lambda i: -ratings[i].score)
        facts = names(claim) | digit_numbers(claim)
        lacking = {t: 2 if t in facts else 1 for t in key_terms(claim)}
        held = [covered_terms(claim, q) for q in quotes]
        chosen = order[:1]
        while len(chosen) < (limit or len(quotes)):
            for t in held[chosen[-1]]:
                lacking.pop(t, None)
            gains = {i: sum(lacking.get(t, 0) for t in held[i]) for i in order if i not in chosen}
            best = max(gains, key=lambda i: gains[i], default=None)  # ties: the higher score
            if best is None or gains[best] == 0:
                break
            chosen.append(best)
        if len(chosen) > 1 and self.joint(claim, [quotes[i] for i in sorted(chosen)]).supported:
            return sorted(chosen)
        return order[:1] if ratings[order[0]].supported else []

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of the texts, from the cache when seen recently."""
        return self._cached.of(texts)

    def _judge(self, claim: str, quote: str, similarity: float) -> Support:
        missing = missing_facts(claim, quote)
        cov = coverage(claim, quote)
        score = (similarity + cov) / 2
        ok = not missing and similarity >= self.min_similarity and score >= self.min_score
        return Support(ok, score, similarity, cov, missing)
