"""Key terms of a text: lowercased, stop words dropped, stemmed (Snowball English).

Shared by lexical scoring (answer selection, support checks) so both agree on what a
"term" is.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import Stemmer  # PyStemmer: the C Snowball stemmers

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
# PyStemmer rather than nltk's PorterStemmer: 70x faster (BM25 stems every chunk when it
# builds) and no nltk import (76 MB resident). A Stemmer object must not be shared by threads.
_local = threading.local()


_STOPWORDS_FILE = Path(__file__).with_name("stopwords_english.txt")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """nltk's English stop words (our copy, `stopwords_english.txt`) and question words."""
    lines = _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
    # Words that shape a question rather than name what it is about.
    extra = {
        "also",
        "would",
        "could",
        "said",
        "say",
        "says",
        "told",
        "tell",
        "many",
        "much",
        "kind",
        "sort",
        "type",
        "according",
        "whose",
    }
    return frozenset(words | extra)


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def stem(word: str) -> str:
    """Snowball English (Porter2) stem of a lowercased word."""
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lowercased word tokens (hyphenated and apostrophe words kept whole)."""
    return [w.lower() for w in _WORD.findall(text)]


def key_terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order, repeats kept."""
    stop = stopwords()
    kept: list[str] = []
    for word in words(text):
        if "'" in word or "’" in word:
            word = _POSSESSIVE.sub("", word)
        if word in stop:
            continue
        if "-" in word:  # "Jong-un" matches "Jong Un", and "Putin-Kim" both names
            kept.extend(part for part in word.split("-") if part and part not in stop)
        else:
            kept.append(word)
    # One call for the whole list: BM25 stems every chunk of the collection when it builds.
    return list(_stemmer().stemWords(kept))
