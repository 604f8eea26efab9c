"""Bodies of the OpenAI-compatible `/v1/chat/completions` and `/v1/models`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.api.schemas.common import Text, check_text
from service.api.schemas.questions import CitationOut

MODEL_ID = "citedqa"


class ChatMessage(BaseModel):
    """One turn; content parts (a list of {type: text}) are joined as text."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool", "developer"] = Field(examples=["user"])
    content: str | list[dict[str, Any]] | None = Field(
        None, examples=["Where did Putin and Kim meet?"]
    )

    @model_validator(mode="after")
    def _content_is_text(self) -> ChatMessage:
        """Every part's text must be text (a lone surrogate failed the tokenizer with a 500)."""
        check_text(self.text())
        return self

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if isinstance(p, dict))
        return self.content or ""


class ChatRequest(BaseModel):
    """The subset of OpenAI's chat request citedqa uses; other fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: Text = Field(MODEL_ID, max_length=200, examples=[MODEL_ID])
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = Field(False, examples=[False])


class ChatChoice(BaseModel):
    """The one answer."""

    index: int = 0
    message: dict[str, str] = Field(examples=[{"role": "assistant", "content": "... [1]"}])
    finish_reason: Literal["stop"] = "stop"


class ChatResponse(BaseModel):
    """An OpenAI `chat.completion`, plus citedqa's verified `citations` and `refused`."""

    id: str = Field(examples=["chatcmpl-1f2e3d"])
    object: Literal["chat.completion"] = "chat.completion"
    created: int = Field(examples=[1700000000])
    model: str = Field(examples=[MODEL_ID])
    choices: list[ChatChoice]
    usage: dict[str, int] = Field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    )
    citations: list[CitationOut] = Field(default_factory=list)
    refused: bool = False


class ModelCard(BaseModel):
    """One model of `/v1/models`."""

    id: str = Field(examples=[MODEL_ID])
    object: Literal["model"] = "model"
    created: int = Field(examples=[1700000000])
    owned_by: str = Field("citedqa", examples=["citedqa"])


class ModelList(BaseModel):
    """What `/v1/models` lists: citedqa itself."""

    object: Literal["list"] = "list"
    data: list[ModelCard]
