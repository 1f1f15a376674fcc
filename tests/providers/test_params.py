from __future__ import annotations

import pytest
from pydantic import ValidationError

from backend.providers.params import InferenceParams, bare_model_id, supports_top_k


@pytest.mark.parametrize(
    "fields",
    [
        {"temperature": -0.1},
        {"temperature": 1.1},
        {"top_p": 1.5},
        {"top_k": 501},
        {"top_k": -1},
        {"max_tokens": 0},
        {"max_tokens": 4097},
        {"stop_sequences": ["a", "b", "c", "d", "e"]},
    ],
)
def test_out_of_range_values_are_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        InferenceParams(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "attribute", "expected"),
    [
        ({"temperature": 0.0}, "temperature", 0.0),
        ({"temperature": 1.0}, "temperature", 1.0),
        ({"top_k": 500}, "top_k", 500),
        ({"max_tokens": 4096}, "max_tokens", 4096),
        ({"stop_sequences": ["a", "", "b", "c", "d"]}, "stop_sequences", ("a", "b", "c", "d")),
        ({"stop_sequences": "END"}, "stop_sequences", ("END",)),
    ],
)
def test_edge_values_are_accepted(fields: dict[str, object], attribute: str, expected: object) -> None:
    assert getattr(InferenceParams(**fields), attribute) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model_id", "bare"),
    [
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"),
        ("mistral.mistral-large-2407-v1:0", "mistral.mistral-large-2407-v1:0"),
    ],
)
def test_bare_model_id(model_id: str, bare: str) -> None:
    assert bare_model_id(model_id) == bare


def test_local_model_supports_top_k() -> None:
    assert supports_top_k("SmolLM2-135M-Instruct")
    assert not supports_top_k("meta.llama3-8b-instruct-v1:0")
