"""The linguist's cheaper paths give what the whole spaCy pipeline gives, on real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from citedqa.sentences import sentence_spans
from service.qa.answerers.language import Entity, Linguist
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
