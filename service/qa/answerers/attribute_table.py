"""spaCy's attribute ruler with its patterns looked up in a table instead of matched.

Why: en_core_web_sm's `attribute_ruler` maps each token's tag (and a few words, deps and
word pairs) to its coarse part of speech, morphology and some lemmas, with 179 patterns
that spaCy runs through its general `Matcher` for every document: 0.3 ms of a question's
2.2 ms parse, more than the tagger and the lemmatizer together. Every pattern tests only
a token's tag, lowercase form, dependency label and whether it is a space, so the rules a
token matches depend on those four values alone: they are worked out once per distinct
four (the table) and applied with the ruler's own attributes, in the ruler's order (a
later rule wins). A pattern this module cannot read (another attribute, an operator) makes
`AttributeTable.of` return None and the ruler runs as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# A token as the patterns see it: (tag, lowercase form, dependency) as string hashes, and
# whether it is a space, in `Doc.to_array`'s order.
_COLUMNS: list[int | str] = ["TAG", "LOWER", "DEP", "IS_SPACE"]
_POSITION = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
Key = tuple[int, int, int, int]
Test = Callable[[Key], bool]
_LOWER = _POSITION["LOWER"]
_OTHER = -1  # a lowercase form no pattern names or matches: all such forms match alike
_MAX_KEYS = 65_536  # forms and tokens remembered (a few MB); then the table starts afresh


class Unreadable(ValueError):
    """A pattern uses something the table does not model."""


class AttributeTable:
    """Does what the pipeline's `attribute_ruler` does to a Doc, without its Matcher."""

    def __init__(self, ruler: Any) -> None:
        strings = self._strings = ruler.vocab.strings
        self._words = _Words()
        self._attrs: list[dict[int, Any]] = list(ruler.attrs)
        self._indices: list[int] = list(ruler.indices)
        # rule id -> its patterns, each a list of token tests
        self._rules = [
            [
                [_test(spec, strings, self._words) for spec in pattern]
                for pattern in ruler.matcher.get(str(i))[1]
            ]
            for i in range(len(self._attrs))
        ]
        self._multi = [
            (rule, pattern, self._indices[rule])
            for rule, patterns in enumerate(self._rules)
            for pattern in patterns
            if len(pattern) > 1
        ]
        self._keys: dict[Key, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    @classmethod
    def of(cls, nlp: Any) -> AttributeTable | None:
        """The table for `nlp`'s attribute ruler; None when it has none, or one it can't read."""
        if "attribute_ruler" not in nlp.pipe_names:
            return None
        try:
            return cls(nlp.get_pipe("attribute_ruler"))
        except Unreadable:
            return None

    def __call__(self, doc: Doc) -> Doc:
        form = self._words.form
        keys: list[Key] = [
            (tag, form(lower, self._strings), dep, space)
            for tag, lower, dep, space in doc.to_array(_COLUMNS).tolist()
        ]
        found: list[tuple[int, int]] = []  # (rule, token): the order the ruler applies them
        for i, key in enumerate(keys):
            rules, starts = self._token(key)
            found += [(rule, i) for rule in rules]
            for m in starts:  # a longer pattern whose first token this is
                rule, pattern, index = self._multi[m]
                end = i + len(pattern)
                if end <= len(keys) and all(
                    test(k) for test, k in zip(pattern[1:], keys[i + 1 : end], strict=True)
                ):
                    found.append((rule, i + (index if index >= 0 else len(pattern) + index)))
        found.sort()
        for rule, i in found:
            set_token_attrs(doc[i], self._attrs[rule])
        return doc

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def _token(self, key: Key) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The rules whose one-token patterns this token matches, and the longer patterns
        (in `_multi`) it may begin: worked out once per distinct token."""
        found = self._keys.get(key)
        if found is None:
            if len(self._keys) >= _MAX_KEYS:
                self._keys.clear()
            rules = tuple(
                rule
                for rule, patterns in enumerate(self._rules)
                for pattern in patterns
                if len(pattern) == 1 and pattern[0](key)
            )
            starts = tuple(m for m, (_, pattern, _) in enumerate(self._multi) if pattern[0](key))
            found = self._keys[key] = (rules, starts)
        return found


class _Words:
    """The lowercase forms the patterns name or match (`_OTHER` stands for all others), so
    that the table holds one row per tag, dependency and form that matters, not per word."""

    def __init__(self) -> None:
        self.named: set[int] = set()
        self.patterns: list[re.Pattern[str]] = []
        self._forms: dict[int, int] = {}

    def form(self, lower: int, strings: Any) -> int:
        found = self._forms.get(lower)
        if found is None:
            if len(self._forms) >= _MAX_KEYS:
                self._forms.clear()
            text = strings[lower]
            matters = lower in self.named or any(p.search(text) for p in self.patterns)
            found = self._forms[lower] = lower if matters else _OTHER
        return found


def _test(spec: dict[str, Any], strings: Any, words: _Words) -> Test:
    """A token test from one token of a Matcher pattern: every attribute must hold."""
    checks: list[Callable[[Key], bool]] = []
    for attr, value in spec.items():
        if attr not in _POSITION:
            raise Unreadable(attr)
        at = _POSITION[attr]
        checks.append(
            _check(at, attr == "IS_SPACE", value, strings, words if at == _LOWER else None)
        )
    return lambda key: all(check(key) for check in checks)


def _check(
    at: int, flag: bool, value: Any, strings: Any, words: _Words | None
) -> Callable[[Key], bool]:
    """One attribute's test, as spaCy's Matcher does it (a string compared by its hash,
    a set by membership, a regex with `re.search` on the string); the forms it names or
    matches noted in `words`, for the lowercase form."""
    named, patterns = (words.named, words.patterns) if words is not None else (set(), [])
    if flag:
        if not isinstance(value, bool):
            raise Unreadable(value)
        return lambda key: bool(key[at]) == value
    if isinstance(value, str):
        wanted = strings.add(value) if value else 0
        named.add(wanted)
        return lambda key: key[at] == wanted
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        if op in {"IN", "NOT_IN"} and isinstance(arg, list):
            among = frozenset(strings.add(v) if v else 0 for v in arg)
            named.update(among)
            inside = op == "IN"
            return lambda key: (key[at] in among) == inside
        if op == "REGEX" and isinstance(arg, str):
            regex = re.compile(arg)
            patterns.append(regex)
            return lambda key: key[at] != _OTHER and bool(regex.search(strings[key[at]]))
    raise Unreadable(value)
