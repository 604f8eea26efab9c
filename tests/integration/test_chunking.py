import itertools
from pathlib import Path

import pytest

from citedqa.chunking import Chunker
from citedqa.documents import load_document
from citedqa.embedder import MAX_WORDPIECES, MiniLMEmbedder
from citedqa.models import Document
from citedqa.sentences import sentence_spans
from tests.helpers import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def chunker_for(embedder: MiniLMEmbedder, max_tokens: int = 128, overlap: int = 32) -> Chunker:
    return Chunker(embedder.count_tokens, embedder.token_spans, max_tokens, overlap)


def test_sentence_spans_respect_abbreviations_and_lines() -> None:
    text = 'Mr. Smith met U.S. officials. "Fine," he said! Next line\nNew para? Yes.'
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == [
        "Mr. Smith met U.S. officials.",
        '"Fine," he said!',
        "Next line",
        "New para?",
        "Yes.",
    ]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_chunks_keep_exact_offsets_and_fit_the_model(embedder: MiniLMEmbedder, path: Path) -> None:
    doc = load_document(path, path.parent)
    chunks = chunker_for(embedder).split(doc)
    assert chunks
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert embedder.count_tokens([chunk.text])[0] <= 128
        assert chunk.chunk_id == f"{doc.doc_id}:{doc.content_hash[:12]}:{chunk.start}-{chunk.end}"
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    for s, e in sentence_spans(doc.text):
        assert set(range(s, e)) <= covered, f"sentence lost: {doc.text[s:e]!r}"


def test_consecutive_chunks_overlap_by_whole_sentences(embedder: MiniLMEmbedder) -> None:
    text = " ".join(f"Sentence number {i} talks about topic {i} at some length." for i in range(40))
    chunks = chunker_for(embedder, max_tokens=60, overlap=20).split(Document("d", text, "t"))
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end, "no overlap"
        assert b.start > a.start
        assert text[b.start - 1] == " "  # overlap starts at a sentence boundary


def test_over_long_sentence_is_cut_so_nothing_passes_the_window(embedder: MiniLMEmbedder) -> None:
    text = "word " * 1000 + "end."
    chunks = chunker_for(embedder, max_tokens=200, overlap=0).split(
        Document("d", text.strip(), "t")
    )
    assert len(chunks) >= 5
    assert all(embedder.count_tokens([c.text])[0] <= min(200, MAX_WORDPIECES - 2) for c in chunks)
    assert chunks[-1].text.endswith("end.")
