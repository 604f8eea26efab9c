"""Key terms of a text: lowercased, stop words dropped, stemmed (Snowball English).

Shared by lexical scoring (answer selection, support checks) so both agree on what a
"term" is. BM25 also reads other languages: `key_terms(text, language)` stems with that
language's Snowball stemmer and drops no stop words (the list is English; BM25's inverse
document frequency weighs common words down anyway), or does not stem at all when Snowball
has no stemmer for it (`citedqa.languages`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import Stemmer  # PyStemmer: the C Snowball stemmers

from citedqa.languages import ENGLISH, SNOWBALL

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
# A word inside a sentence: not the text's first, nor one after a sentence's end, a colon or
# semicolon, an opening quote or a parenthesis.
_INNER_WORD = re.compile(r"(?<!^)(?<![.!?:;]\s)(?<![“\"(])\b\w[\w’'-]*")
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


def _english() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    """This thread's stemmer for `language`; None when Snowball has none for it."""
    if language == ENGLISH:
        return _english()
    stemmers: dict[str, Stemmer.Stemmer | None] | None = getattr(_local, "others", None)
    if stemmers is None:
        stemmers = _local.others = {}
    if language not in stemmers:
        algorithm = SNOWBALL.get(language)
        stemmers[language] = Stemmer.Stemmer(algorithm) if algorithm else None
    return stemmers[language]


def fold(word: str) -> str:
    """An English word without its accents ("fiancée" -> "fiancee", "Hervé" -> "herve"):
    English texts spell borrowed words and names both ways, and a question typed on a
    keyboard without accents must still find them."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def stem(word: str) -> str:
    """Snowball English (Porter2) stem of a lowercased word, accents folded."""
    return str(_english().stemWord(fold(word)))


def words(text: str) -> list[str]:
    """Lowercased word tokens (hyphenated and apostrophe words kept whole)."""
    return [w.lower() for w in _WORD.findall(text)]


def capitalised_words(text: str) -> list[str]:
    """The words a reader takes for names: capitalised words inside a sentence, in order.

    The one "capitalised word = name" rule (support checks, chat condensing): a word whose
    first letter is a capital, unless it starts the text, follows a sentence's end (".!?"),
    a colon or semicolon, or opens a quote or parenthesis. Trailing apostrophes and hyphens
    are dropped ("Jesus’" -> "Jesus"); possessive "'s" and inner hyphens are kept.
    """
    found = (m.group().rstrip("’'-") for m in _INNER_WORD.finditer(text.strip()))
    return [w for w in found if w and w[0].isupper()]


def key_terms(text: str, language: str = ENGLISH) -> list[str]:
    """Stemmed content words of `text` (in `language`, an ISO 639-1 code), in order,
    repeats kept."""
    english = language == ENGLISH
    stop = stopwords() if english else frozenset()
    kept: list[str] = []
    for word in words(text):
        if english and ("'" in word or "’" in word):
            word = _POSSESSIVE.sub("", word)
        if word in stop:
            continue
        if english:
            word = fold(word)
        if "-" in word:  # "Jong-un" matches "Jong Un", and "Putin-Kim" both names
            kept.extend(part for part in word.split("-") if part and part not in stop)
        else:
            kept.append(word)
    # One call for the whole list: BM25 stems every chunk of the collection when it builds.
    stemmer = _stemmer(language)
    return list(stemmer.stemWords(kept)) if stemmer is not None else kept
