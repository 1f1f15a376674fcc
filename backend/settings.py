"""The one typed settings object, read once at the edge (app start-up, CLI, Lambda cold start).

Nothing in the backend reads the environment itself: callers build a ``Settings`` and pass it down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Provider = Literal["local", "bedrock"]

# Current (not end-of-life) Bedrock models. Cross-region inference-profile ids ("us.…") are accepted
# wherever a model id is, because newer Anthropic and Amazon models are only served through them.
DEFAULT_BEDROCK_CHAT_MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
DEFAULT_BEDROCK_EMBEDDING_MODEL = "amazon.titan-embed-text-v2:0"
DEFAULT_BEDROCK_IMAGE_MODEL = "amazon.nova-canvas-v1:0"
LOCAL_CHAT_MODEL = "SmolLM2-135M-Instruct"
LOCAL_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


class SettingsError(ValueError):
    """A configuration value is invalid; the message is one sentence naming the variable."""


class Settings(BaseSettings):
    """Application configuration. Environment variables win over ``.env``; see ``.env.example``."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    provider: Provider = Field(default="local", alias="APP_PROVIDER")
    aws_region: str = Field(default="us-east-1", alias="AWS_REGION")
    aws_profile: str | None = Field(default=None, alias="AWS_PROFILE")

    bedrock_chat_model_id: str = Field(default=DEFAULT_BEDROCK_CHAT_MODEL, alias="BEDROCK_CHAT_MODEL_ID")
    # Extra chat models offered in the sidebar (comma-separated); the configured default is always first.
    bedrock_chat_model_choices: str = Field(
        default="us.anthropic.claude-sonnet-4-5-20250929-v1:0,us.amazon.nova-lite-v1:0,us.amazon.nova-pro-v1:0",
        alias="BEDROCK_CHAT_MODEL_CHOICES",
    )
    bedrock_embedding_model_id: str = Field(
        default=DEFAULT_BEDROCK_EMBEDDING_MODEL, alias="BEDROCK_EMBEDDING_MODEL_ID"
    )
    bedrock_embedding_dimensions: Literal[256, 512, 1024] = Field(
        default=1024, alias="BEDROCK_EMBEDDING_DIMENSIONS"
    )
    bedrock_image_model_id: str = Field(default=DEFAULT_BEDROCK_IMAGE_MODEL, alias="BEDROCK_IMAGE_MODEL_ID")
    bedrock_rerank_model_id: str | None = Field(default=None, alias="BEDROCK_RERANK_MODEL_ID")
    bedrock_knowledge_base_id: str | None = Field(default=None, alias="BEDROCK_KNOWLEDGE_BASE_ID")

    # The chatbot's memory budget (the course's ConversationBufferMemory max_token_limit); the local
    # model's context window caps it further.
    chat_memory_tokens: int = Field(default=4000, ge=256, le=200_000, alias="CHAT_MEMORY_TOKENS")
    bedrock_context_tokens: int = Field(default=200_000, ge=1024, alias="BEDROCK_CONTEXT_TOKENS")
    local_context_tokens: int = Field(default=2048, ge=512, le=8192, alias="LOCAL_CONTEXT_TOKENS")
    local_threads: int = Field(default=2, ge=1, le=64, alias="LOCAL_THREADS")
    # llama.cpp contexts generating at once (LOCAL_THREADS are shared between them), and how many
    # requests may wait for one before the next is told "busy, you are number N". One context was
    # measured best on a 2-core machine (bench/local_contexts.py, README).
    local_contexts: int = Field(default=1, ge=1, le=8, alias="LOCAL_CONTEXTS")
    local_max_waiting: int = Field(default=32, ge=0, le=1000, alias="LOCAL_MAX_WAITING")

    data_dir: Path = Field(default=Path("data"), alias="DATA_DIR")
    index_dir: Path = Field(default=Path("data/index"), alias="INDEX_DIR")
    upload_dir: Path = Field(default=Path("data/uploads"), alias="UPLOAD_DIR")
    output_dir: Path = Field(default=Path("data/outputs"), alias="OUTPUT_DIR")

    rag_top_k: int = Field(default=5, ge=1, le=50, alias="RAG_TOP_K")

    api_url: str | None = Field(default=None, alias="API_URL")
    output_bucket: str | None = Field(default=None, alias="OUTPUT_BUCKET")
    # Q&A refusal threshold on the top retrieval score; None = the tuned per-provider default
    # (backend/rag/answer/thresholds.py).
    rag_min_score: float | None = Field(default=None, ge=0.0, le=1.0, alias="RAG_MIN_SCORE")

    @field_validator(
        "aws_profile",
        "bedrock_rerank_model_id",
        "bedrock_knowledge_base_id",
        "api_url",
        "output_bucket",
        "rag_min_score",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty line in .env ("API_URL=") means "not configured", not "the empty string".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url_is_http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @property
    def policies_dir(self) -> Path:
        """Sample policy PDFs that ship with the app."""
        return self.data_dir / "policies"

    @property
    def chat_model_choices(self) -> list[str]:
        """Chat models the sidebar offers for the active provider, the configured default first."""
        if self.provider == "local":
            return [LOCAL_CHAT_MODEL]
        extra = [m.strip() for m in self.bedrock_chat_model_choices.split(",") if m.strip()]
        return list(dict.fromkeys([self.bedrock_chat_model_id, *extra]))

    @property
    def context_tokens(self) -> int:
        """The chat model's context window for the active provider."""
        return self.local_context_tokens if self.provider == "local" else self.bedrock_context_tokens

    @property
    def embedding_model_id(self) -> str:
        return LOCAL_EMBEDDING_MODEL if self.provider == "local" else self.bedrock_embedding_model_id


def load_settings(**overrides: object) -> Settings:
    """Read the settings once, turning pydantic's report into one sentence that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        raise SettingsError(
            f"Invalid configuration: {alias or field} {first['msg'].lower()} (got {first.get('input')!r})."
        ) from None
