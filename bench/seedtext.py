"""The raw material of synthetic corpora and questions: the sentences and words of seeds/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from citedqa.sentences import sentence_spans
from citedqa.terms import stopwords

_WORD = re.compile(r"[A-Za-z][a-z]+")
_ENTITY = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_PHRASE = re.compile(r"\b([a-z]{4,})\s+([a-z]{4,})\b")
MIN_WORDS = 5  # shorter "sentences" are headings and bylines


@dataclass(frozen=True, slots=True)
class SeedText:
    """Sentences, vocabulary, named entities and noun-ish phrases of the seed documents."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]  # lowercase content words
    names: tuple[str, ...]  # capitalised words that are not sentence-initial
    entities: tuple[str, ...]  # capitalised word runs ("Kim Jong Un", "Vostochny")
    phrases: tuple[str, ...]  # two content words in a row ("humanitarian assistance")


def load_seed_text(root: Path) -> SeedText:
    """Read every .txt file under `root`; raises FileNotFoundError when there is none."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))]
    if not texts:
        raise FileNotFoundError(f"no .txt seed documents under {root}")
    stop = stopwords()
    sentences: list[str] = []
    words: set[str] = set()
    names: set[str] = set()
    entities: set[str] = set()
    phrases: set[str] = set()
    for text in texts:
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            tokens = _WORD.findall(sentence)
            if len(sentence.split()) < MIN_WORDS:
                continue
            sentences.append(sentence)
            words.update(t for t in tokens if t.islower() and len(t) >= 4 and t not in stop)
            names.update(t for t in tokens[1:] if t[0].isupper() and t.lower() not in stop)
            entities.update(
                e for e in _ENTITY.findall(sentence[1:]) if e.split()[0].lower() not in stop
            )
            phrases.update(
                f"{a} {b}" for a, b in _PHRASE.findall(sentence) if a not in stop and b not in stop
            )
    return SeedText(
        sentences=tuple(sentences),
        words=tuple(sorted(words)),
        names=tuple(sorted(names)),
        entities=tuple(sorted(entities)),
        phrases=tuple(sorted(phrases)),
    )
