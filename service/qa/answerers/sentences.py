"""The evidence's sentences, each once, with the terms and the vector the answerer reads.

A chunk stores its sentences' spans and vectors (pooled in the chunk's context at ingest);
overlapping chunks repeat sentences, which are read once. A sentence is read with what it
leans on: a label line joins the value after it ("Author:" + the name), a sentence opening
with a pronoun takes the terms of the one before, a table row its header and the paragraph
that leads into the table.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from citedqa.irregular import AGENT, BASE_FORM, SINGULAR
from citedqa.models import RetrievedChunk
from citedqa.sentences import sentence_spans
from citedqa.terms import key_terms, stem, words
from service.qa.evidence import Evidence

Span = tuple[int, int]


def evidence_sentences(
    evidence: Evidence,
) -> list[tuple[RetrievedChunk, int, int, str, frozenset[str], np.ndarray]]:
    """Each distinct sentence once (overlapping chunks repeat sentences), with its vector."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for chunk in evidence.chunks:
        spans, vectors = chunk.sentences, chunk.sentence_vectors
        if not spans or vectors is None or len(vectors) != len(spans):
            # No stored sentence vectors: fall back to the chunk's own vector.
            spans = tuple((chunk.start + s, chunk.start + e) for s, e in sentence_spans(chunk.text))
            vectors = np.repeat(evidence.vector[None, :] * chunk.score, len(spans), axis=0)
        previous = ""
        for (start, end), vector in _fields(chunk, list(spans), vectors):
            text = chunk.text[start - chunk.start : end - chunk.start]
            before, previous = previous, text
            if (chunk.doc_id, start, end) in seen:
                continue
            seen.add((chunk.doc_id, start, end))
            terms = sentence_terms(text)
            if _ANAPHOR.match(text) and not _EXPLETIVE.match(text):
                # "It also serves as ...": what "it" is, the last sentence says
                terms |= sentence_terms(before)
            if text.lstrip().startswith("|"):  # a table row means what its header says
                terms |= sentence_terms(table_context(chunk.text, start - chunk.start))
            out.append((chunk, start, end, text, terms, vector))
    return out


_LEAD_CHARS = 400


def table_context(text: str, offset: int) -> str:
    """The header row of the table holding the row at `offset`, and the paragraph that
    leads into the table ("The numeric values of logging levels are given in the following
    table."): "| `ERROR` | 40 |" answers "What is the numeric value of the ERROR level?"
    only with them. Only what the chunk holds of the table is read."""
    lines = text[:offset].split("\n")
    i = len(lines) - 1
    while i > 0 and lines[i - 1].lstrip().startswith("|"):
        i -= 1
    header = lines[i] if i < len(lines) - 1 else ""
    lead = next((line for line in reversed(lines[:i]) if line.strip()), "")
    return f"{header}\n{lead[:_LEAD_CHARS]}"


_ANAPHOR = re.compile(r"^\W*(?:it|he|she|they|this|these|its|his|her|their)\b", re.IGNORECASE)
# "It is unknown whether ...", "It was reported that ...": an "it" that stands for the clause
# after it, not for anything the sentence before named.
_EXPLETIVE = re.compile(
    r"^\W*it\s+(?:is|was|'s|seems|seemed|appears|appeared|remains|remained)\s+(?:not\s+)?"
    r"(?:\w+ly\s+)?\w+\s+(?:that|whether|if|how|why|what|who|when|where)\b",
    re.IGNORECASE,
)


def _fields(
    chunk: RetrievedChunk, spans: list[Span], vectors: np.ndarray
) -> list[tuple[Span, np.ndarray]]:
    """The chunk's sentences, a label line ("Author:", "Released:") joined to the value
    that follows it: the two are one fact, and apart neither answers."""
    out: list[tuple[Span, np.ndarray]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        label = chunk.text[start - chunk.start : end - chunk.start].strip()
        if label.endswith(":") and len(label.split()) <= 4 and i + 1 < len(spans):
            out.append(((start, spans[i + 1][1]), vectors[i + 1]))
            i += 2
            continue
        out.append(((start, end), vectors[i]))
        i += 1
    return out


# Ranks said in other words: "the earliest packaging tool" is the first one.
_RANKS = {"earliest": "first", "initial": "first", "initially": "first", "final": "last"}


@lru_cache(maxsize=1)
def _bases() -> dict[str, str]:
    """Each word the stemmer does not bring to the form a question asks with, and the stem
    of that form: irregular verbs ("met": "meet"), agents ("author": "write"), irregular
    plurals ("loaves": "loaf"), ranks ("earliest": "first")."""
    return {
        w: stem(base) for table in (BASE_FORM, AGENT, SINGULAR, _RANKS) for w, base in table.items()
    }


@lru_cache(maxsize=16_384)  # the same sentences and chunks come back query after query
def sentence_terms(text: str) -> frozenset[str]:
    """Key terms of a sentence, and the stems its words stand for (`_bases`)."""
    bases = _bases()
    return frozenset(key_terms(text)) | {bases[w] for w in words(text) if w in bases}
