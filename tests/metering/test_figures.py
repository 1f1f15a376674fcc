from __future__ import annotations

import re
from decimal import Decimal

import pytest

from backend.metering.figures import AnswerFigures, format_figures
from backend.metering.prices import parse_price_table

TABLE = parse_price_table(
    '[models."anthropic.claude-haiku-4-5-20251001-v1:0"]\ninput_per_1k = 0.001\noutput_per_1k = 0.005'
)
# The contract scripts rely on: "tokens", seconds, and "$<number>" or "price unknown".
CONTRACT = re.compile(r"(?=.*\btokens\b)(?=.*\d s\b)(?=.*(\$\d|price unknown))")


@pytest.mark.parametrize(
    ("figures", "line"),
    [
        (
            AnswerFigures.priced(
                TABLE,
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                total_seconds=1.534,
                first_token_seconds=0.214,
                input_tokens=120,
                output_tokens=45,
            ),
            "anthropic.claude-haiku-4-5-20251001-v1:0 · first token 0.21 s · total 1.53 s · "
            "120 in / 45 out tokens · $0.000345",
        ),
        (
            AnswerFigures.priced(TABLE, "SmolLM2-135M-Instruct", total_seconds=12.34, input_tokens=9),
            "SmolLM2-135M-Instruct · total 12.3 s · 9 in / 0 out tokens · $0",
        ),
        (
            AnswerFigures.priced(TABLE, "mistral.large", total_seconds=0.5, input_tokens=3, output_tokens=4),
            "mistral.large · total 0.50 s · 3 in / 4 out tokens · price unknown",
        ),
        (
            AnswerFigures.priced(
                TABLE, "SmolLM2-135M-Instruct", total_seconds=2, input_tokens=7, tokens_estimated=True
            ),
            "SmolLM2-135M-Instruct · total 2.00 s · ≈7 in / ≈0 out tokens · $0",
        ),
        (AnswerFigures.no_model(0.031), "no model called · 0.03 s · 0 tokens · $0"),
        (
            AnswerFigures(
                model_id="amazon.nova-canvas-v1:0", total_seconds=6, images=1, cost=Decimal("0.04")
            ),
            "amazon.nova-canvas-v1:0 · total 6.00 s · 0 in / 0 out tokens · 1 image · $0.04",
        ),
    ],
)
def test_the_figures_line(figures: AnswerFigures, line: str) -> None:
    assert format_figures(figures) == line
    assert CONTRACT.search(line)
