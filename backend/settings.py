"""The one typed settings object, read once at the edge (app start-up, CLI, Lambda cold start).

Nothing in the backend reads the environment itself: callers build a ``Settings`` and pass it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Provider = Literal["local", "bedrock"]
AuthMode = Literal["none", "local", "oidc"]

# Current (not end-of-life) Bedrock models. Cross-region inference-profile ids ("us.…") are accepted
# wherever a model id is, because newer Anthropic and Amazon models are only served through them.
DEFAULT_BEDROCK_CHAT_MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
DEFAULT_BEDROCK_EMBEDDING_MODEL = "amazon.titan-embed-text-v2:0"
DEFAULT_BEDROCK_IMAGE_MODEL = "amazon.nova-canvas-v1:0"
# RetrieveAndGenerate's default answer model: on demand in the region, no inference profile needed.
DEFAULT_KB_MODEL = "amazon.nova-lite-v1:0"
LOCAL_CHAT_MODEL = "SmolLM2-135M-Instruct"
LOCAL_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# Per-file parsing limits for policy PDFs: the 76 KB PDF that decodes to 70 MB took 70 s to read, and a
# text page's content stream is a few KB, so 16 MB is far beyond any real policy page.
DEFAULT_MAX_PARSE_SECONDS = 10.0
DEFAULT_MAX_DECODED_PAGE_MB = 16.0


class SettingsError(ValueError):
    """A configuration value is invalid; the message is one sentence naming the variable."""


@dataclass(frozen=True)
class ParseLimits:
    """Per-file limits on reading a PDF's text (``MAX_PARSE_SECONDS``, ``MAX_DECODED_PAGE_MB``).

    A file over either is rejected with one sentence naming the limit; the time limit is enforced by
    killing the worker process that reads it (``backend/rag/ingest/parallel.py``).
    """

    seconds: float = DEFAULT_MAX_PARSE_SECONDS
    decoded_page_bytes: int = round(DEFAULT_MAX_DECODED_PAGE_MB * 1_000_000)


DEFAULT_PARSE_LIMITS = ParseLimits()


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
    # Per-file parsing limits for uploaded and ingested PDFs (``parse_limits``).
    max_parse_seconds: float = Field(
        default=DEFAULT_MAX_PARSE_SECONDS, gt=0, le=3600, allow_inf_nan=False, alias="MAX_PARSE_SECONDS"
    )
    max_decoded_page_mb: float = Field(
        # At least 1 KB: a smaller value would round to a limit of 0 bytes and refuse every page.
        default=DEFAULT_MAX_DECODED_PAGE_MB,
        ge=0.001,
        le=10_000,
        allow_inf_nan=False,
        alias="MAX_DECODED_PAGE_MB",
    )

    api_url: str | None = Field(default=None, alias="API_URL")
    # How the generation API authenticates callers, on both sides: "iam" (SigV4, the deployed default),
    # "jwt" (a Cognito token) or "none" (in-process and loopback only; the caller names its user).
    api_auth: Literal["none", "iam", "jwt"] = Field(default="none", alias="API_AUTH")
    # On the API: the app's IAM role (the EC2 instance role), the only caller that may act for a named user.
    api_trusted_role_arn: str | None = Field(default=None, alias="API_TRUSTED_ROLE_ARN")
    output_bucket: str | None = Field(default=None, alias="OUTPUT_BUCKET")
    # Q&A refusal threshold on the top retrieval score; None = the tuned per-provider default
    # (backend/rag/answer/thresholds.py).
    rag_min_score: float | None = Field(default=None, ge=0.0, le=1.0, alias="RAG_MIN_SCORE")
    # Model prices for the per-answer cost estimate (TOML, edited by operators; see data/prices.toml).
    prices_file: Path = Field(default=Path("data/prices.toml"), alias="PRICES_FILE")
    # Words staff type that the policies never use ("IVF"), edited by HR admins; offline search adds
    # the policies' words for them (backend/rag/retrieve/synonyms.py). A missing file is no synonyms.
    search_synonyms_file: Path = Field(default=Path("data/search_synonyms.txt"), alias="SEARCH_SYNONYMS_FILE")

    # The app database: a DynamoDB table (several instances) when set, else DATA_DIR/app.db (SQLite).
    app_table: str | None = Field(default=None, alias="APP_TABLE")
    # Sign-in: none (one person on a laptop), local (built-in users) or oidc (st.login).
    auth_mode: AuthMode = Field(default="none", alias="AUTH_MODE")
    # OIDC: members of these groups (comma-separated) are admins; the groups come from this claim.
    admin_groups: str = Field(default="", alias="ADMIN_GROUPS")
    oidc_groups_claim: str = Field(default="cognito:groups", alias="OIDC_GROUPS_CLAIM")
    # Local sign-in: the key that signs session cookies (unset: generated once into DATA_DIR) and
    # how long a session lasts.
    session_secret: SecretStr | None = Field(default=None, alias="SESSION_SECRET")
    session_hours: int = Field(default=12, ge=1, le=24 * 30, alias="SESSION_HOURS")

    # Banking assistant: the account store (SQLite under DATA_DIR offline, DynamoDB in production) and
    # the Bedrock agent. With BEDROCK_AGENT_ID unset and APP_PROVIDER=bedrock the page runs the same
    # agent inline (invoke_inline_agent), with the FAQ Knowledge Base when BANKING_FAQ_KNOWLEDGE_BASE_ID
    # is set.
    banking_store: Literal["sqlite", "dynamodb"] = Field(default="sqlite", alias="BANKING_STORE")
    banking_table: str = Field(default="customerAccountStatus", min_length=3, alias="BANKING_TABLE")
    bedrock_agent_id: str | None = Field(default=None, alias="BEDROCK_AGENT_ID")
    bedrock_agent_alias_id: str | None = Field(default=None, alias="BEDROCK_AGENT_ALIAS_ID")
    banking_faq_knowledge_base_id: str | None = Field(default=None, alias="BANKING_FAQ_KNOWLEDGE_BASE_ID")
    # Course Q&A (Knowledge Base RetrieveAndGenerate, or offline over the shipped course notes).
    course_knowledge_base_id: str | None = Field(default=None, alias="COURSE_KNOWLEDGE_BASE_ID")
    # The model RetrieveAndGenerate writes answers with; unset = Nova Lite in AWS_REGION (on demand).
    bedrock_kb_model_arn: str | None = Field(default=None, alias="BEDROCK_KB_MODEL_ARN")
    bedrock_kb_results: int = Field(default=5, ge=1, le=100, alias="BEDROCK_KB_RESULTS")
    course_dir: Path = Field(default=Path("data/courses"), alias="COURSE_DIR")
    course_index_dir: Path = Field(default=Path("data/course_index"), alias="COURSE_INDEX_DIR")

    # HR policies in S3 behind the Knowledge Base BEDROCK_KNOWLEDGE_BASE_ID (several app instances).
    policy_bucket: str | None = Field(default=None, alias="POLICY_BUCKET")
    policy_prefix: str = Field(default="policies/", alias="POLICY_PREFIX")
    bedrock_kb_data_source_id: str | None = Field(default=None, alias="BEDROCK_KB_DATA_SOURCE_ID")

    @field_validator(
        "aws_profile",
        "bedrock_rerank_model_id",
        "bedrock_knowledge_base_id",
        "api_url",
        "output_bucket",
        "rag_min_score",
        "bedrock_agent_id",
        "bedrock_agent_alias_id",
        "banking_faq_knowledge_base_id",
        "course_knowledge_base_id",
        "bedrock_kb_model_arn",
        "policy_bucket",
        "bedrock_kb_data_source_id",
        "api_trusted_role_arn",
        "app_table",
        "session_secret",
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

    @field_validator("bedrock_kb_model_arn")
    @classmethod
    def _kb_model_is_an_arn(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("arn:"):
            raise ValueError("must be a model or inference-profile ARN (arn:aws:bedrock:…)")
        return value

    @field_validator("policy_prefix")
    @classmethod
    def _prefix_is_a_folder(cls, value: str) -> str:
        value = value.strip().strip("/")
        return f"{value}/" if value else ""

    @property
    def kb_model_arn(self) -> str:
        """The model RetrieveAndGenerate answers with (``BEDROCK_KB_MODEL_ARN`` or Nova Lite here)."""
        return self.bedrock_kb_model_arn or (
            f"arn:aws:bedrock:{self.aws_region}::foundation-model/{DEFAULT_KB_MODEL}"
        )

    @property
    def admin_group_names(self) -> frozenset[str]:
        return frozenset(g.strip() for g in self.admin_groups.split(",") if g.strip())

    @property
    def parse_limits(self) -> ParseLimits:
        """The per-file PDF parsing limits, for ``PolicyLibrary``, ``Ingestor`` and the ingest CLI."""
        return ParseLimits(self.max_parse_seconds, round(self.max_decoded_page_mb * 1_000_000))

    @property
    def policies_dir(self) -> Path:
        """Sample policy PDFs that ship with the app."""
        return self.data_dir / "policies"

    @property
    def banking_db_path(self) -> Path:
        """The offline account store (``python -m backend.banking seed`` creates it)."""
        return self.data_dir / "banking" / "accounts.sqlite3"

    @property
    def bank_faq_dir(self) -> Path:
        """The bank FAQ PDFs that ship with the app (the offline FAQ index is built from them)."""
        return self.data_dir / "bank_faq"

    @property
    def bank_faq_index_dir(self) -> Path:
        return self.data_dir / "bank_faq_index"

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
