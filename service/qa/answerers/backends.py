"""The LLM behind each `CITEDQA_LLM` value, and what its failures mean to a caller.

`openai`: any OpenAI-compatible server (llama-index `OpenAILike`); `ollama`: an Ollama server
(llama-index `Ollama`); `llamacpp`: a local GGUF file (service/qa/answerers/llamacpp.py).
A backend that is unreachable, refuses or fails becomes `LLMUnavailableError` (503), one that
is too slow `LLMTimeoutError` (504). Their messages name the backend and where it is (never
credentials, never the backend's own error text, which may echo a request).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import ollama
import openai
from llama_index.core.llms import LLM

from citedqa.errors import LLMTimeoutError, LLMUnavailableError
from citedqa.settings import Settings

log = logging.getLogger("citedqa")

OLLAMA_URL = "http://127.0.0.1:11434"
# Where a reply that is done goes on: the model starts a new passage, question or turn.
STOP = ["<passage", "<question", "\nQuestion:", "\nUser:", "<|im_end|>"]


@dataclass(frozen=True)
class Backend:
    """An LLM ready to use, what to call it, and how to report its failures."""

    llm: LLM
    name: str
    model: str
    where: str  # for messages: scheme://host:port, or a file name
    timeout: float | None
    secrets: tuple[str, ...] = ()  # never to appear in an answer

    def failure(self, exc: Exception) -> LLMUnavailableError:
        """The service error for an exception the LLM call raised."""
        what = f"the {self.name} LLM ({self.model} at {self.where})"
        if _is_timeout(exc):
            return LLMTimeoutError(f"{what} did not answer within {self.timeout:g}s")
        if (status := _status(exc)) is not None:
            return LLMUnavailableError(f"{what} answered HTTP {status}")
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
            return LLMUnavailableError(f"{what} cannot be reached")
        log.error("%s failed: %s", what, type(exc).__name__)
        return LLMUnavailableError(f"{what} failed ({type(exc).__name__})")


def _status(exc: Exception) -> int | None:
    """The HTTP status a backend's client reported an error response with, if it did."""
    if isinstance(exc, openai.APIStatusError | ollama.ResponseError):
        return exc.status_code
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code
    return None


def _is_timeout(exc: Exception) -> bool:
    return isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError)


def where(url: str) -> str:
    """scheme://host:port of a URL: no user info, path or query to leak."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def make_backend(settings: Settings) -> Backend:
    """The LLM named by `settings.llm` (not "extractive")."""
    if settings.llm == "openai":
        return _openai(settings)
    if settings.llm == "ollama":
        return _ollama(settings)
    if settings.llm == "llamacpp":
        from service.qa.answerers.llamacpp import make_llamacpp

        llm = make_llamacpp(settings, STOP)
        name = llm.metadata.model_name
        return Backend(llm, "llamacpp", name, name, settings.llm_timeout)
    raise ValueError(f"no LLM backend {settings.llm!r}")


def _openai(settings: Settings) -> Backend:
    from llama_index.llms.openai_like import OpenAILike

    assert settings.llm_base_url and settings.llm_model  # settings validation
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    llm = OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        api_key=key or "none",  # the client insists on one; local servers ignore it
        is_chat_model=True,
        context_window=settings.llm_context_tokens,
        max_tokens=settings.llm_max_tokens,
        temperature=0.0,
        additional_kwargs={"stop": STOP},
        timeout=settings.llm_timeout,
        max_retries=0,  # a slow or down backend is reported at once, not retried for a minute
    )
    return Backend(
        llm,
        "openai",
        settings.llm_model,
        where(settings.llm_base_url),
        settings.llm_timeout,
        secrets=(key,) if key else (),
    )


def _ollama(settings: Settings) -> Backend:
    from llama_index.llms.ollama import Ollama

    assert settings.llm_model  # settings validation
    url = settings.llm_base_url or OLLAMA_URL
    llm = Ollama(
        model=settings.llm_model,
        base_url=url,
        request_timeout=settings.llm_timeout,
        context_window=settings.llm_context_tokens,  # set, so no /api/show call is made
        temperature=0.0,
        additional_kwargs={"num_predict": settings.llm_max_tokens, "stop": STOP},
    )
    return Backend(llm, "ollama", settings.llm_model, where(url), settings.llm_timeout)
