"""Names in a parse: which tokens are names, the phrase each belongs to, and when two
names are one ("King Charles III" and "Charles"). What `roles` compares roles of."""

from __future__ import annotations

from collections.abc import Sequence

from citedqa.terms import stem
from service.qa.answerers.language import Token

# Honorifics and titles: "King Harold II" and "Duke William II" share no name by them.
_TITLES = {
    "king", "queen", "princ", "princess", "duke", "duchess", "earl", "count", "lord", "ladi",
    "sir", "dame", "saint", "st", "pope", "emperor", "empress", "tsar", "czar", "sultan",
    "presid", "minist", "prime", "chancellor", "governor", "mayor", "senat", "gener",
    "colonel", "captain", "admir", "bishop", "archbishop", "father", "mr", "mrs", "ms", "dr",
    "professor", "chief", "leader", "the", "of",
}  # fmt: skip


def alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """Names that share a word, or a word's first four letters ("Korea", "Korean")."""
    return any(x[:4] == y[:4] if min(len(x), len(y)) >= 4 else x == y for x in a for y in b)


def name_groups(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Runs of proper-name tokens: "King Charles III" is one name."""
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if is_name(tokens[i]):
            j = i
            while j + 1 < len(tokens) and is_name(tokens[j + 1]):
                j += 1
            groups.append((i, j))
            i = j + 1
        else:
            i += 1
    return groups


def is_name(token: Token) -> bool:
    return token.pos == "PROPN" or (
        token.ent in {"PERSON", "NORP", "GPE", "ORG"} and token.text[:1].isupper()
    )


def distinctive(tokens: Sequence[Token]) -> frozenset[str]:
    return frozenset(
        s
        for t in tokens
        if is_name(t) and t.text.isalpha() and not _roman(t.text)
        for s in [stem(t.text.lower())]
        if s not in _TITLES
    )


def _roman(text: str) -> bool:
    return bool(text) and set(text) <= set("IVXLC")


def phrase(tokens: Sequence[Token], head: int) -> list[Token]:
    """The name tokens of the noun phrase headed at `head` (compounds, flat names)."""
    return [tokens[head], *(t for t in tokens if t.head == head and t.dep in {"compound", "flat"})]


def phrase_head(tokens: Sequence[Token], i: int) -> int:
    """The last token of the name `i` is part of ("Charles" in "King Charles III": "III")."""
    token = tokens[i]
    while token.dep in {"compound", "flat"} and token.head != i and is_name(tokens[token.head]):
        i = token.head
        token = tokens[i]
    return i


def name_heads(tokens: Sequence[Token]) -> list[int]:
    """Where the sentence's names are: the head word of each name's phrase."""
    return [i for i, t in enumerate(tokens) if phrase_head(tokens, i) == i and is_name(t)]
