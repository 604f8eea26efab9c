"""Synthetic documents of realistic sentences: seed sentences recombined, with varied words.

Each sentence is a seed sentence in which about a third of the content words and names are
swapped for others of the seeds, so sentence lengths, punctuation and vocabulary are those
of real news text while no two documents are copies. Every sentence remembers the seed
sentence it came from (for plausible synthetic vectors, see bench.vectors).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bench.seedtext import SeedText

_TOKEN = re.compile(r"[A-Za-z][a-z]+")
SWAP_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class SyntheticDoc:
    """A document's text and, per sentence, (start, end, index of its seed sentence)."""

    doc_id: str
    text: str
    sources: tuple[tuple[int, int, int], ...]

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0]


class CorpusGenerator:
    """Endless, reproducible documents of `min_sentences`..`max_sentences` sentences."""

    def __init__(
        self, seed_text: SeedText, seed: int = 0, min_sentences: int = 60, max_sentences: int = 420
    ) -> None:
        self._seeds = seed_text
        self._rng = random.Random(seed)
        self._min, self._max = min_sentences, max_sentences

    def documents(self, prefix: str = "syn") -> Iterator[SyntheticDoc]:
        """Documents named `{prefix}-000000`, `{prefix}-000001`, ..."""
        number = 0
        while True:
            yield self.document(f"{prefix}-{number:06d}")
            number += 1

    def document(self, doc_id: str) -> SyntheticDoc:
        """One document: a title line, then paragraphs of 2 to 6 sentences."""
        rng = self._rng
        count = rng.randint(self._min, self._max)
        # A document keeps to a few topics, as an article does: a pool of its seed sentences.
        pool = rng.sample(range(len(self._seeds.sentences)), k=min(24, len(self._seeds.sentences)))
        parts: list[str] = []
        sources: list[tuple[int, int, int]] = []
        pos = 0
        for n in range(count):
            index = rng.choice(pool)
            sentence = self.vary(self._seeds.sentences[index])
            if n == 0:
                sep = ""
            elif n == 1 or rng.random() < 0.25:
                sep = "\n" if n == 1 else "\n\n"
            else:
                sep = " "
            parts.append(sep + sentence)
            pos += len(sep)
            sources.append((pos, pos + len(sentence), index))
            pos += len(sentence)
        return SyntheticDoc(doc_id, "".join(parts), tuple(sources))

    def vary(self, sentence: str) -> str:
        """The sentence with about SWAP_SHARE of its content words and names swapped."""
        rng, words, names = self._rng, self._seeds.words, self._seeds.names

        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            if match.start() == 0 or rng.random() >= SWAP_SHARE:
                return word
            if word.islower() and len(word) >= 4:
                return rng.choice(words)
            if word[0].isupper() and word[1:].islower():
                return rng.choice(names)
            return word

        return _TOKEN.sub(swap, sentence)
