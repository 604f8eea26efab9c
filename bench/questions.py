"""Distinct, realistic questions about the seeds' entities and topics (so no cache ever hits)."""

from __future__ import annotations

import random

from bench.seedtext import SeedText

TEMPLATES = (
    "What did {entity} say about {phrase}?",
    "Where did {entity} discuss {phrase}?",
    "When did {entity} announce {phrase}?",
    "Why is {phrase} important to {entity}?",
    "How many {phrase} projects involve {entity}?",
    "Who talked with {entity} about {phrase}?",
    "What is the position of {entity} on {phrase}?",
    "Which year did {entity} first mention {phrase}?",
    "How does {phrase} affect relations with {entity}?",
    "What was agreed between {entity} and its partners on {phrase}?",
    "Did {entity} comment on {phrase} after the talks?",
    "What does the report say about {entity} and {phrase}?",
)


def question_pool(seed_text: SeedText, count: int, seed: int = 0) -> list[str]:
    """`count` distinct questions (template × entity × phrase), in a seeded random order.

    A longer pool starts with the shorter one (same seed), so slices stay put as it grows.
    """
    entities, phrases = seed_text.entities, seed_text.phrases
    total = len(TEMPLATES) * len(entities) * len(phrases)
    if count > total // 2:
        raise ValueError(f"only {total // 2} distinct questions can be drawn from these seeds")
    rng = random.Random(seed)
    seen: set[int] = set()
    out: list[str] = []
    while len(out) < count:
        index = rng.randrange(total)
        if index in seen:
            continue
        seen.add(index)
        index, p = divmod(index, len(phrases))
        t, e = divmod(index, len(entities))
        out.append(TEMPLATES[t].format(entity=entities[e], phrase=phrases[p]))
    return out


class QuestionSlices:
    """Hands out disjoint slices of one pool by name: the same name gets the same questions.

    Runs against one server process use different names, so no question repeats there;
    the bare service and the encoder reuse the citedqa run's names, so all three answer the
    same questions.
    """

    def __init__(self, seed_text: SeedText, seed: int) -> None:
        self._seed_text = seed_text
        self._seed = seed
        self._slices: dict[str, tuple[int, int]] = {}
        self._used = 0
        self._pool: list[str] = []

    def get(self, name: str, count: int) -> list[str]:
        """`count` questions for `name` (the first call for a name decides its slice)."""
        if name not in self._slices:
            self._slices[name] = (self._used, count)
            self._used += count
        start, size = self._slices[name]
        if len(self._pool) < start + size:
            self._pool = question_pool(self._seed_text, self._used, self._seed)
        return self._pool[start : start + min(count, size)]
