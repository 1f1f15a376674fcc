"""The figures line under an answer: model, time to first token, total time, tokens and cost.

Contract (scripts and reviewers rely on it): the line contains "tokens", "s" (seconds), and the cost as
"$" followed by a number, or "price unknown". An answer that called no model shows "0 tokens · $0".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from backend.metering.prices import PriceTable, estimate_cost, format_cost


@dataclass(frozen=True)
class AnswerFigures:
    """What one answer took. ``model_id`` is None when no model was called (a refusal, an extract)."""

    model_id: str | None
    total_seconds: float
    first_token_seconds: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    cost: Decimal | None = Decimal(0)
    # True when the model reported no usage and the tokens were counted approximately.
    tokens_estimated: bool = False

    @classmethod
    def no_model(cls, seconds: float) -> AnswerFigures:
        """An answer that called no model: its time, 0 tokens, $0."""
        return cls(model_id=None, total_seconds=seconds)

    @classmethod
    def priced(
        cls,
        table: PriceTable,
        model_id: str,
        *,
        total_seconds: float,
        first_token_seconds: float | None = None,
        input_tokens: int = 0,
        output_tokens: int = 0,
        images: int = 0,
        tokens_estimated: bool = False,
    ) -> AnswerFigures:
        """Figures for a model call, costed from ``table`` (None when the model has no price)."""
        return cls(
            model_id=model_id,
            total_seconds=total_seconds,
            first_token_seconds=first_token_seconds,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            images=images,
            cost=estimate_cost(
                table, model_id, input_tokens=input_tokens, output_tokens=output_tokens, images=images
            ),
            tokens_estimated=tokens_estimated,
        )

    @property
    def cost_text(self) -> str:
        return format_cost(self.cost)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (a saved conversation keeps each answer's figures)."""
        out = asdict(self)
        out["cost"] = None if self.cost is None else str(self.cost)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AnswerFigures:
        cost = raw.get("cost")
        return cls(**{**raw, "cost": None if cost is None else Decimal(str(cost))})


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def format_figures(figures: AnswerFigures) -> str:
    """One line of small text: ``model · first token 0.21 s · total 1.53 s · 120 in / 45 out tokens · $0``."""
    if figures.model_id is None:
        return f"no model called · {_seconds(figures.total_seconds)} · 0 tokens · $0"
    parts = [figures.model_id]
    if figures.first_token_seconds is not None:
        parts.append(f"first token {_seconds(figures.first_token_seconds)}")
    parts.append(f"total {_seconds(figures.total_seconds)}")
    approx = "≈" if figures.tokens_estimated else ""
    tokens = f"{approx}{figures.input_tokens} in / {approx}{figures.output_tokens} out tokens"
    if figures.images:
        tokens += f" · {figures.images} image{'s' if figures.images != 1 else ''}"
    parts.append(tokens)
    parts.append(figures.cost_text)
    return " · ".join(parts)
