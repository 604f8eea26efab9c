"""One typed settings tree, read from `CITEDQA_*` environment variables or a `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from citedqa.errors import ConfigError

AnswererName = Literal["extractive"]


class Settings(BaseSettings):
    """Everything configurable, with defaults that work on a laptop."""

    model_config = SettingsConfigDict(
        env_prefix="CITEDQA_", env_file=".env", extra="ignore", validate_default=True
    )

    data_dir: Path = Field(Path("data"), description="Embedded Chroma lives here.")
    collection: str = Field(
        "citedqa", min_length=3, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$"
    )
    chroma_host: str | None = Field(None, description="Use a Chroma server instead of embedded.")
    chroma_port: int = Field(8000, ge=1, le=65535)

    llm: AnswererName = "extractive"
    top_k: int = Field(5, ge=1, le=50, description="Chunks retrieved when a request omits top_k.")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    chunk_tokens: int = Field(128, ge=16, le=254, description="Chunk budget in model wordpieces.")
    chunk_overlap_tokens: int = Field(32, ge=0, le=128)
    embed_batch_size: int = Field(32, ge=1, le=512)
    threads: int = Field(0, ge=0, le=64, description="onnxruntime threads; 0 = all cores.")

    min_evidence_score: float = Field(
        0.30, ge=-1.0, le=1.0, description="Below this retrieval similarity nothing counts."
    )
    min_sentence_score: float = Field(
        0.50, ge=-1.0, le=3.0, description="Below this no evidence sentence answers (extractive)."
    )

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> Settings:
        if self.chunk_overlap_tokens >= self.chunk_tokens:
            raise ValueError("chunk_overlap_tokens must be smaller than chunk_tokens")
        return self

    @property
    def chroma_path(self) -> Path:
        """Directory of the embedded Chroma database."""
        return self.data_dir / "chroma"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, turning validation errors into one clear message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"CITEDQA_{'_'.join(str(p) for p in err['loc']).upper() or 'SETTINGS'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
