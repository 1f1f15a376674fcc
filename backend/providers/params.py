"""One set of inference parameters for every provider, validated against the ranges the course teaches.

Ranges follow the Bedrock text-model parameter table of the course: temperature and top_p in [0, 1],
top_k in [0, 500], up to 4096 new tokens and at most four stop sequences.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.settings import LOCAL_CHAT_MODEL

MAX_STOP_SEQUENCES = 4


class InferenceParams(BaseModel):
    """Sampling settings shared by the chatbot, the Q&A page and the generators."""

    model_config = ConfigDict(frozen=True)

    model_id: str | None = None
    temperature: float = Field(default=0.5, ge=0.0, le=1.0)
    # None means "the model's default": newer Claude models reject requests that set both
    # temperature and top_p, so top_p is only sent when the user asks for it.
    top_p: float | None = Field(default=None, ge=0.0, le=1.0)
    top_k: int | None = Field(default=None, ge=0, le=500)
    max_tokens: int = Field(default=512, ge=1, le=4096)
    stop_sequences: tuple[str, ...] = Field(default=())

    @field_validator("stop_sequences", mode="before")
    @classmethod
    def _clean_stops(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            cleaned = tuple(s for s in value if isinstance(s, str) and s != "")
            if len(cleaned) > MAX_STOP_SEQUENCES:
                raise ValueError(f"at most {MAX_STOP_SEQUENCES} stop sequences are allowed")
            return cleaned
        return value


def supports_top_k(model_id: str) -> bool:
    """Whether a model accepts top_k (Converse has no field for it; some families take it as an extra)."""
    if model_id == LOCAL_CHAT_MODEL:
        return True
    return bare_model_id(model_id).startswith(("anthropic.", "amazon.nova"))


def bare_model_id(model_id: str) -> str:
    """Strip a cross-region inference-profile prefix: ``us.anthropic.x`` -> ``anthropic.x``."""
    prefix, _, rest = model_id.partition(".")
    return rest if prefix in {"us", "eu", "apac", "global", "us-gov", "jp", "au"} and rest else model_id
