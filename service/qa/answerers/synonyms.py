"""Whether a sentence says a question's word in other words ("projectiles" / "missiles").

Used before an LLM is asked (`rules.AnswerRules.mentioned`): an LLM words things its own way,
so the passages count as mentioning a question's word when one of their words is close to it
in the embedder's space (cosine >= `threshold`). The extractive answerer does not use it: on
the dev questions it fixed as many as it broke ("president" ~ "administration"). Measured pairs
(all-MiniLM-L6-v2, single words): synonyms 0.57-0.88 (price/cost 0.73, annual/yearly 0.82,
ambassador/envoy 0.67, airliner/aircraft 0.75); related but different words 0.34-0.49
(ambassador/spokesman 0.49, meet/negotiations 0.34, food/aid 0.36). Antonyms can score high
(succeed/failed 0.61), and verbs score low even when synonyms (host/welcomed 0.31).

Word vectors cost about 1-2 ms a word on 2 cores: they are cached, and embedded in one batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from citedqa.embedder import Embedder
from service.qa.vectors import CachedVectors

DEFAULT_THRESHOLD = 0.6


class WordMatcher:
    """Word-to-word similarity with the service's embedder, cached by word."""

    def __init__(
        self, embedder: Embedder, threshold: float = DEFAULT_THRESHOLD, cache_size: int = 50_000
    ) -> None:
        self._vectors = CachedVectors(embedder, cache_size)
        self.threshold = threshold

    def near(self, word: str, others: Iterable[str]) -> bool:
        """True when one of `others` means about what `word` means."""
        candidates = [w for w in dict.fromkeys(others) if w != word]
        if not candidates:
            return False
        vectors = self._vectors.of([word, *candidates])
        return bool((vectors[1:] @ vectors[0]).max() >= self.threshold)

    def prepare(self, words: Iterable[str]) -> None:
        """Embed the words not cached yet in one call (many small calls cost 10x)."""
        self._vectors.of(list(dict.fromkeys(words)))
