from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from langchain_core.messages import AIMessageChunk, BaseMessageChunk, HumanMessage

from backend.metering.meter import CallMeter
from backend.metering.prices import parse_price_table

TABLE = parse_price_table('[models."m"]\ninput_per_1k = 1\noutput_per_1k = 2')


class Clock:
    """A clock that advances one second each time it is read."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def chunks(*texts: str, usage: tuple[int, int] | None = (10, 3)) -> Iterator[BaseMessageChunk]:
    for text in texts:
        yield AIMessageChunk(content=text)
    if usage:
        yield AIMessageChunk(
            content="",
            usage_metadata={"input_tokens": usage[0], "output_tokens": usage[1], "total_tokens": sum(usage)},
        )


def test_times_the_first_token_and_uses_the_reported_usage() -> None:
    finished: list[CallMeter] = []
    meter = CallMeter("m", TABLE, clock=Clock(), on_finish=finished.append)
    assert "".join(meter.stream(chunks("", "Hel", "lo"))) == "Hello"
    figures = meter.figures()
    # clock reads: start 101, first text 102, end 103
    assert figures.first_token_seconds == 1.0
    assert figures.total_seconds == 2.0
    assert (figures.input_tokens, figures.output_tokens, figures.tokens_estimated) == (10, 3, False)
    assert figures.cost == Decimal("0.016")
    assert finished == [meter]
    assert meter.outcome == "ok"


def test_without_reported_usage_the_tokens_are_marked_estimated() -> None:
    meter = CallMeter("m", TABLE, prompt=[HumanMessage("a question of some length")], clock=Clock())
    "".join(meter.stream(chunks("an answer", usage=None)))
    figures = meter.figures()
    assert figures.tokens_estimated
    assert figures.input_tokens > 0
    assert figures.output_tokens > 0


def test_an_abandoned_stream_is_reported_once_as_interrupted() -> None:
    finished: list[CallMeter] = []
    meter = CallMeter("m", TABLE, clock=Clock(), on_finish=finished.append)
    stream = meter.stream(chunks("a", "b", "c"))
    assert next(stream) == "a"
    stream.close()  # what happens when Streamlit stops a run mid-stream
    assert finished == [meter]
    assert meter.outcome == "interrupted"
    assert meter.text == "a"


def test_a_failing_model_is_reported_once_as_an_error() -> None:
    def broken() -> Iterator[BaseMessageChunk]:
        yield AIMessageChunk(content="par")
        raise RuntimeError("throttled")

    finished: list[CallMeter] = []
    meter = CallMeter("m", TABLE, clock=Clock(), on_finish=finished.append)
    with pytest.raises(RuntimeError):
        "".join(meter.stream(broken()))
    assert finished == [meter]
    assert meter.outcome == "error"
