from pathlib import Path

import numpy as np

from citedqa.components import make_embedder
from citedqa.embedder import DIMENSIONS, MAX_WORDPIECES, Embedder, MiniLMEmbedder
from citedqa.settings import Settings


def test_vectors_are_unit_length_and_meaningful(embedder: MiniLMEmbedder) -> None:
    v = embedder.encode(
        [
            "Where did the two leaders meet?",
            "The leaders held talks at the space launch site.",
            "A recipe for chocolate cake with butter.",
        ]
    )
    assert v.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_batching_and_order_do_not_change_vectors(embedder: MiniLMEmbedder) -> None:
    texts = ["short", "a somewhat longer sentence with more words in it", "mid length text"]
    together = embedder.encode(texts)
    alone = np.stack([embedder.encode([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_window_is_256_wordpieces_not_128(embedder: MiniLMEmbedder) -> None:
    # Text that differs only after wordpiece 128 must embed differently (a 128 cap would hide it)...
    base = "alpha " * 150
    a, b = embedder.encode([base + "cats and dogs", base + "stock markets"])
    assert a @ b < 0.9999
    # ...and text past the 256-wordpiece window is not read at all, so chunks must stay below it.
    long = "alpha " * (MAX_WORDPIECES + 10)
    c, d = embedder.encode([long + "cats", long + "markets"])
    assert c @ d > 0.99999


def test_llama_index_interface(embedder: MiniLMEmbedder) -> None:
    vec = embedder.get_query_embedding("hello")
    assert len(vec) == DIMENSIONS
    assert len(embedder.get_text_embedding_batch(["a", "b"])) == 2


def test_onnx_threads_sleep_between_runs_unless_spinning_is_asked_for(tmp_path: Path) -> None:
    """Spin-waiting onnxruntime threads took the core the service's Python needed."""

    def spinning(embedder: Embedder) -> str:
        assert isinstance(embedder, MiniLMEmbedder)
        options = embedder._session.get_session_options()  # type: ignore[attr-defined]
        try:
            return str(options.get_session_config_entry("session.intra_op.allow_spinning"))
        except RuntimeError:  # not set: onnxruntime's default, which spins
            return "default"

    assert spinning(make_embedder(Settings(data_dir=tmp_path))) == "0"
    assert spinning(make_embedder(Settings(data_dir=tmp_path, onnx_spinning=True))) == "default"
