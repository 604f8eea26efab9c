"""Sentence-aware chunks sized in the embedder's own wordpieces, with exact offsets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from citedqa.models import Chunk, Document
from citedqa.sentences import sentence_spans

TokenCounter = Callable[[Sequence[str]], list[int]]
TokenSpans = Callable[[str], list[tuple[int, int]]]


class Chunker:
    """Packs whole sentences into chunks of at most `max_tokens` wordpieces.

    Consecutive chunks share up to `overlap_tokens` of trailing sentences. A sentence longer
    than the budget is cut at wordpiece boundaries, so no text is ever past the model's window.
    """

    def __init__(
        self,
        count_tokens: TokenCounter,
        token_spans: TokenSpans,
        max_tokens: int = 128,
        overlap_tokens: int = 32,
    ) -> None:
        self._count = count_tokens
        self._spans = token_spans
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens

    @property
    def config_id(self) -> str:
        """Identifies the chunking rules: a change means documents must be re-chunked."""
        return f"sent-wp{self.max_tokens}-ov{self.overlap_tokens}"

    def split(self, doc: Document) -> list[Chunk]:
        """Chunks covering every sentence of `doc`, each with `doc.text[start:end] == text`."""
        units = self._units(doc.text)
        doc_hash = doc.content_hash
        chunks: list[Chunk] = []
        window: list[tuple[int, int, int]] = []
        size = 0
        for unit in units:
            if window and size + unit[2] > self.max_tokens:
                chunks.append(self._make(doc, doc_hash, window))
                window = self._overlap(window, unit[2])
                size = sum(u[2] for u in window)
            window.append(unit)
            size += unit[2]
        if window:
            chunks.append(self._make(doc, doc_hash, window))
        return chunks

    def _units(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, tokens) of each sentence, over-long ones cut into pieces."""
        spans = sentence_spans(text)
        counts = self._count([text[s:e] for s, e in spans])
        units: list[tuple[int, int, int]] = []
        for (start, end), n in zip(spans, counts, strict=True):
            if n <= self.max_tokens:
                units.append((start, end, n))
            else:
                units.extend(self._cut(text, start, end))
        return units

    def _cut(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        pieces = self._spans(text[start:end])
        step = self.max_tokens
        out = []
        for lo in range(0, len(pieces), step):
            group = pieces[lo : lo + step]
            out.append((start + group[0][0], start + group[-1][1], len(group)))
        return out

    def _overlap(
        self, window: list[tuple[int, int, int]], incoming: int
    ) -> list[tuple[int, int, int]]:
        kept: list[tuple[int, int, int]] = []
        budget = min(self.overlap_tokens, self.max_tokens - incoming)
        for unit in reversed(window):
            if unit[2] > budget:
                break
            kept.insert(0, unit)
            budget -= unit[2]
        return kept

    @staticmethod
    def _make(doc: Document, doc_hash: str, window: list[tuple[int, int, int]]) -> Chunk:
        start, end = window[0][0], window[-1][1]
        sentences = tuple((u[0], u[1]) for u in window)
        return Chunk(
            sentences=sentences,
            doc_id=doc.doc_id,
            doc_hash=doc_hash,
            start=start,
            end=end,
            text=doc.text[start:end],
        )
