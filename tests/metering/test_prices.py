from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from backend.metering.prices import (
    PriceTableError,
    estimate_cost,
    format_cost,
    load_price_table,
    parse_price_table,
)
from tests.conftest import REPO_ROOT

TABLE = parse_price_table(
    """
checked = "2026-11-30"
[models."anthropic.claude-haiku-4-5-20251001-v1:0"]
input_per_1k = 0.001
output_per_1k = 0.005
[models."us.amazon.nova-pro-v1:0"]
input_per_1k = 0.0009
output_per_1k = 0.0036
[models."amazon.nova-pro-v1:0"]
input_per_1k = 0.0008
output_per_1k = 0.0032
[models."amazon.nova-canvas-v1:0"]
per_image = 0.04
"""
)


@pytest.mark.parametrize(
    ("model_id", "tokens_in", "tokens_out", "images", "expected"),
    [
        ("anthropic.claude-haiku-4-5-20251001-v1:0", 1000, 1000, 0, Decimal("0.006")),
        ("anthropic.claude-haiku-4-5-20251001-v1:0", 120, 45, 0, Decimal("0.000345")),
        # a cross-region profile without its own entry costs what the bare model costs
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", 2000, 0, 0, Decimal("0.002")),
        # a profile with its own entry uses it
        ("us.amazon.nova-pro-v1:0", 1000, 1000, 0, Decimal("0.0045")),
        ("amazon.nova-pro-v1:0", 1000, 1000, 0, Decimal("0.004")),
        ("amazon.nova-canvas-v1:0", 0, 0, 2, Decimal("0.08")),
        ("SmolLM2-135M-Instruct", 5000, 5000, 0, Decimal(0)),
        ("all-MiniLM-L6-v2", 5000, 0, 0, Decimal(0)),
        ("anthropic.claude-v2", 1000, 1000, 0, None),
        ("meta.llama3-70b-instruct-v1:0", 1, 1, 0, None),
    ],
)
def test_cost_from_the_price_table(
    model_id: str, tokens_in: int, tokens_out: int, images: int, expected: Decimal | None
) -> None:
    cost = estimate_cost(TABLE, model_id, input_tokens=tokens_in, output_tokens=tokens_out, images=images)
    assert cost == expected


@pytest.mark.parametrize(
    ("cost", "text"),
    [
        (None, "price unknown"),
        (Decimal(0), "$0"),
        (Decimal("0.000345"), "$0.000345"),
        (Decimal("0.006"), "$0.006"),
        (Decimal("0.0000004"), "<$0.000001"),
        (Decimal("0.5"), "$0.5"),
        (Decimal("1.2345"), "$1.23"),
        (Decimal("12"), "$12.00"),
    ],
)
def test_cost_text(cost: Decimal | None, text: str) -> None:
    assert format_cost(cost) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("models = 3", "must be a table of model ids"),
        ('[models."m"]\ninput_per_1k = -1', "models.m.input_per_1k must be a number ≥ 0"),
        ('[models."m"]\ninput_per_1k = "cheap"', "models.m.input_per_1k must be a number"),
        ('[models."m"]\nper_token = 1', "unknown field 'per_token'"),
        ("checked = ", "not valid TOML"),
    ],
)
def test_a_malformed_price_table_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(PriceTableError, match=re.escape(message)):
        parse_price_table(text)


def test_the_shipped_price_table_prices_every_offered_bedrock_model() -> None:
    from backend.settings import Settings

    table = load_price_table(REPO_ROOT / "data" / "prices.toml")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table.checked)
    cfg = Settings(APP_PROVIDER="bedrock")
    for model_id in [*cfg.chat_model_choices, cfg.bedrock_embedding_model_id, cfg.bedrock_image_model_id]:
        assert table.price(model_id) is not None, model_id


def test_a_missing_price_file_prices_only_local_models(tmp_path: Path) -> None:
    table = load_price_table(tmp_path / "absent.toml")
    assert estimate_cost(table, "SmolLM2-135M-Instruct", input_tokens=10) == 0
    assert estimate_cost(table, "anthropic.claude-haiku-4-5-20251001-v1:0", input_tokens=10) is None
