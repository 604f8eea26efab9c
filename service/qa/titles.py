"""Which documents a passage names by their title: the links of the second hop.

A bridge entity is usually the subject of the passage that holds the answer, and that
passage's document is titled with it: the film's passage says it is "an American television
series ... broadcast on The WB" and names "Charmed", the document titled "Charmed" holds
the network. A passage that names a document's title links to it, as an encyclopedia's
hyperlink would; a second-hop search that ranks the linked documents first finds the
bridge's own passage rather than one of the many that merely mention it.

Titles are compared as key terms (stemmed, stopwords out: "Meet Me in St. Louis" matches
"meet me in St Louis"), with a trailing parenthesised qualifier dropped ("David Jones
(rugby)" is linked by "David Jones"). Titles of more than `MAX_TITLE_TERMS` key terms are
left out: they are a document's first sentence more often than a name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from citedqa.languages import ENGLISH
from citedqa.terms import key_terms

MAX_TITLE_TERMS = 8

_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
# A name: capitalised words in a row, small joining words allowed inside ("Journal of
# Psychotherapy Integration", "Meet Me in St. Louis"); a word's full stop is kept only after
# an abbreviation of up to three letters ("St.", "B."), else it ends the sentence.
_WORD = r"(?:[A-Z][a-z]{0,2}\.|[A-Z][\w'’-]*)"
_NAME = re.compile(rf"{_WORD}(?:,?\s+(?:(?:of|the|and|de|in|for|on|upon)\s+)*{_WORD})*")


class TitleIndex:
    """Document ids by their title's key terms; `linked` finds the titles a text names."""

    def __init__(self) -> None:
        self._docs: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self._longest = 0

    def add(self, doc_id: str, title: str, language: str = ENGLISH) -> None:
        """Index one document's title (one too long or without a key term is skipped)."""
        terms = tuple(key_terms(_QUALIFIER.sub("", title), language))
        if 0 < len(terms) <= MAX_TITLE_TERMS:
            self._docs[terms].append(doc_id)
            self._longest = max(self._longest, len(terms))

    def linked(self, text: str, language: str = ENGLISH, skip: Iterable[str] = ()) -> list[str]:
        """The documents whose title is a name `text` holds, in the order it names them:
        a whole name, or the first two or more words of a longer one ("Oklahoma City" in
        "Oklahoma City Thunder", not "United" in "United Kingdom"); `skip` left out."""
        found: dict[str, None] = dict.fromkeys(skip)
        skipped = len(found)
        for terms in _names(text, language):
            for size in range(min(self._longest, len(terms)), 0, -1):
                if size == 1 and len(terms) > 1:
                    break
                for doc_id in self._docs.get(tuple(terms[:size]), ()):
                    found.setdefault(doc_id)
        return list(found)[skipped:]


@lru_cache(maxsize=512)  # a passage that seeds a second hop seeds it question after question
def _names(text: str, language: str) -> tuple[tuple[str, ...], ...]:
    """The key terms of each name `text` holds: reading a whole passage's names again for
    each question cost more than looking them all up."""
    return tuple(tuple(key_terms(name, language)) for name in _NAME.findall(text))
