"""Figures for the generation API's results (code, blog, summary, poster), which report their own usage."""

from __future__ import annotations

from dataclasses import replace

from backend.generators.schemas import PosterResult, TextResult
from backend.metering.figures import AnswerFigures
from backend.metering.prices import ModelPrice, PriceTable


def text_result_figures(result: TextResult, prices: PriceTable) -> AnswerFigures:
    """A text result's figures; its time is the whole model call (the API does not stream)."""
    usage = result.usage
    figures = AnswerFigures.priced(
        prices,
        result.model,
        total_seconds=result.seconds,
        input_tokens=usage.input_tokens if usage else 0,
        output_tokens=usage.output_tokens if usage else 0,
        # No usage reported: the token counts, and so the cost, are not known.
        tokens_estimated=usage is None,
    )
    if usage is None and prices.price(result.model) != ModelPrice():
        return replace(figures, cost=None)  # a priced model whose tokens are unknown: cost unknown
    return figures


def poster_figures(result: PosterResult, prices: PriceTable) -> AnswerFigures:
    """A poster's figures: one image, priced per image."""
    return AnswerFigures.priced(prices, result.model, total_seconds=result.seconds, images=1)
