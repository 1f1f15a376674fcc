"""Figures for the generation API's results (code, blog, summary, poster), which report their own usage."""

from __future__ import annotations

from backend.generators.schemas import PosterResult, TextResult
from backend.metering.figures import AnswerFigures
from backend.metering.prices import PriceTable


def text_result_figures(result: TextResult, prices: PriceTable) -> AnswerFigures:
    """A text result's figures; its time is the whole model call (the API does not stream)."""
    usage = result.usage
    if usage is None:  # no usage reported: the token counts, and so the cost, are not known
        return AnswerFigures.usage_unreported(prices, result.model, total_seconds=result.seconds)
    return AnswerFigures.priced(
        prices,
        result.model,
        total_seconds=result.seconds,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
    )


def poster_figures(result: PosterResult, prices: PriceTable) -> AnswerFigures:
    """A poster's figures: one image, priced per image."""
    return AnswerFigures.priced(prices, result.model, total_seconds=result.seconds, images=1)
