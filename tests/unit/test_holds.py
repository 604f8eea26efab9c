"""`holds` (a stem held exactly or by a shared prefix of 4+ letters) by set look-ups gives
what comparing the stem with every stem of the set gave."""

from __future__ import annotations

import random

from citedqa.sentences import sentence_spans
from citedqa.terms import key_terms
from service.qa.answerers.extractive import holds
from tests.helpers import ROOT, SEEDS


def _by_comparing(term: str, have: frozenset[str] | set[str]) -> bool:
    """`holds` as it was: the term against each stem."""
    if term in have:
        return True
    if len(term) < 4 or not term.isalpha():
        return False
    return any(
        (h.startswith(term) or term.startswith(h)) and len(h) >= 4 and h.isalpha() for h in have
    )


def test_edge_cases() -> None:
    have = frozenset({"meet", "debconf14", "su57", "internation", "ab", "café", "x1yz"})
    assert holds("meeting", have) and holds("meet", have) and holds("internat", have)
    assert not holds("mee", have)  # shorter stems only exactly
    assert not holds("debconf21", have) and not holds("debconf", have)  # digits: exactly
    assert holds("debconf14", have) and holds("su57", have)
    assert holds("caféteria", have) and not holds("abc", have) and not holds("x1y", have)
    assert not holds("", have) and not holds("meet", frozenset())


def test_the_same_as_comparing_each_pair_on_real_stems() -> None:
    texts = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text() for p in sorted((ROOT / "eval/corpora/squad2/docs").iterdir())]
    sentences = [frozenset(key_terms(t[s:e])) for t in texts for s, e in sentence_spans(t)]
    passages = [frozenset().union(*sentences[i : i + 12]) for i in range(0, len(sentences), 12)]
    vocabulary = sorted(frozenset().union(*sentences))
    rng = random.Random(7)
    # Every stem, and prefixes and extensions of stems, against sentence-sized sets (looked
    # up by prefixes), passage-sized ones (scanned) and a mutable set (scanned).
    terms = (
        vocabulary + [w[:k] for w in vocabulary for k in (3, 4, 5)] + [w + "s" for w in vocabulary]
    )
    checked = held = 0
    for have in rng.sample(sentences, 150) + passages[:20] + [set(rng.sample(vocabulary, 40))]:
        for term in rng.sample(terms, 400):
            expected = _by_comparing(term, have)
            assert holds(term, have) == expected, (term, sorted(have))
            checked, held = checked + 1, held + expected
    assert checked > 60_000 and held > 1_000  # both answers were checked many times
