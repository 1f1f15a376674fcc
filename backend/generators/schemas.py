"""The generation API's request and response bodies, shared by the server and its client.

Request bodies keep the seed documents' field names (``key``/``message``, ``blog_topic``) and bound every
length, so one request can neither exhaust the model's context nor the 30-second API Gateway budget.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from backend.generators.images import (
    CFG_SCALE_RANGE,
    DEFAULT_CFG_SCALE,
    DEFAULT_STEPS,
    SEED_MAX,
    STEPS_RANGE,
)
from backend.generators.languages import language_key, supported_keys

if TYPE_CHECKING:
    # Imported lazily: ``backend.providers`` loads LangChain's AWS integration, which a Lambda cold start
    # (and every request validation) should not pay for.
    from backend.providers.params import InferenceParams

# A synchronous call must finish inside API Gateway's 30 s; 2048 tokens is ~15 s on Claude Haiku 4.5.
MAX_OUTPUT_TOKENS = 2048
MAX_INSTRUCTIONS_CHARS = 4000
MAX_TOPIC_CHARS = 300
MAX_SUMMARY_INPUT_CHARS = 20_000
MAX_SUMMARY_LINES = 10
MAX_IMAGE_PROMPT_CHARS = 800
BLOG_WORDS = 200
# Same limit as backend.providers.params.MAX_STOP_SEQUENCES (a test keeps them equal).
MAX_STOP_SEQUENCES = 4

TextKind = Literal["code", "blog", "summary"]
HistoryKind = Literal["code", "blog", "summary", "poster"]


def _integral(value: object) -> object:
    # JSON has one number type: 9.0 is an integer to JSON Schema, so it is one here too (strict otherwise).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_LANGUAGE_KEYS: list[JsonValue] = [*supported_keys()]
# At least one character that is not whitespace (JSON Schema patterns search, as Python's re.search does).
NOT_BLANK = r"\S"


class _Body(BaseModel):
    # Unknown fields are mistakes (a typo in "blog_topic" must not silently produce a blog about nothing),
    # and so are values of the wrong JSON type: strict, so `false` is not taken for 0 nor "7" for 7, as
    # the published document promises.
    # Strings are taken as sent (stripping first would make "ab " fail a length the document allows);
    # free-text fields declare NOT_BLANK instead.
    model_config = ConfigDict(extra="forbid", strict=True)


class TextParams(_Body):
    """Optional inference settings; anything left out uses the endpoint's default."""

    model_id: str | None = Field(default=None, min_length=1, max_length=200)
    temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    top_p: float | None = Field(default=None, ge=0.0, le=1.0)
    top_k: int | None = Field(default=None, ge=0, le=500)
    max_tokens: int | None = Field(default=None, ge=1, le=MAX_OUTPUT_TOKENS)
    stop_sequences: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=MAX_STOP_SEQUENCES
    )

    _whole_numbers = field_validator("top_k", "max_tokens", mode="before")(_integral)

    @classmethod
    def from_inference(cls, params: InferenceParams) -> TextParams:
        """The sidebar's parameters as a request field, with max_tokens capped to what the API allows.

        Not validated here: the server validates every body and answers with one clear sentence.
        """
        return cls.model_construct(
            model_id=params.model_id,
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            max_tokens=min(params.max_tokens, MAX_OUTPUT_TOKENS),
            stop_sequences=list(params.stop_sequences),
        )

    def to_inference(self, *, default_max_tokens: int) -> InferenceParams:
        from backend.providers.params import InferenceParams

        values = self.model_dump(exclude_none=True)
        values.setdefault("max_tokens", default_max_tokens)
        return InferenceParams(**values)


class CodeRequest(_Body):
    # The document lists the 16 keys as an enum; the validator enforces exactly that list.
    key: str = Field(
        description="Programming language key.",
        min_length=1,
        max_length=40,
        json_schema_extra={"enum": _LANGUAGE_KEYS},
    )
    message: str = Field(
        description="What the code should do.",
        min_length=3,
        max_length=MAX_INSTRUCTIONS_CHARS,
        pattern=NOT_BLANK,
    )
    params: TextParams | None = None

    @field_validator("key")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return language_key(value)


class BlogRequest(_Body):
    blog_topic: str = Field(min_length=3, max_length=MAX_TOPIC_CHARS, pattern=NOT_BLANK)
    params: TextParams | None = None


class SummaryRequest(_Body):
    text: str = Field(min_length=1, max_length=MAX_SUMMARY_INPUT_CHARS, pattern=NOT_BLANK)
    lines: int = Field(default=2, ge=1, le=MAX_SUMMARY_LINES)
    params: TextParams | None = None

    _whole_numbers = field_validator("lines", mode="before")(_integral)


class PosterRequest(_Body):
    prompt: str = Field(min_length=3, max_length=MAX_IMAGE_PROMPT_CHARS, pattern=NOT_BLANK)
    cfg_scale: float = Field(default=DEFAULT_CFG_SCALE, ge=CFG_SCALE_RANGE[0], le=CFG_SCALE_RANGE[1])
    steps: int = Field(default=DEFAULT_STEPS, ge=STEPS_RANGE[0], le=STEPS_RANGE[1])
    seed: int = Field(default=0, ge=0, le=SEED_MAX)

    _whole_numbers = field_validator("steps", "seed", mode="before")(_integral)


class Usage(BaseModel):
    input_tokens: int
    output_tokens: int
    total_tokens: int


class TextResult(BaseModel):
    kind: TextKind
    content: str
    key: str
    location: str
    model: str
    usage: Usage | None = None
    language: str | None = None
    seconds: float


class PosterResult(BaseModel):
    key: str
    location: str
    model: str
    # A 1-hour pre-signed URL when outputs are in S3; the PNG itself (base64) when they are on local disk.
    image_url: str | None = None
    image_base64: str | None = None
    width: int
    height: int
    cfg_scale: float | None
    steps: int | None
    seed: int
    notes: list[str] = Field(default_factory=list)
    seconds: float


class HistoryItem(BaseModel):
    key: str
    name: str
    location: str
    size: int
    last_modified: datetime


class HistoryResponse(BaseModel):
    kind: HistoryKind
    items: list[HistoryItem]


class OutputContent(BaseModel):
    key: str
    location: str
    # Text outputs carry their content; posters a pre-signed URL (S3) or base64 PNG (local).
    content: str | None = None
    image_url: str | None = None
    image_base64: str | None = None


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    provider: Literal["local", "bedrock"]
    text_model: str
    image_model: str | None
    image_generation: bool
    storage: Literal["local", "s3"]
    storage_location: str
