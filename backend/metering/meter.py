"""Time one streamed model call and collect its token usage, for the figures line and the usage record.

The meter wraps the model's chunk stream: it passes the text through (to ``st.write_stream`` or a
buffer), notes the time of the first text, adds up the usage the model reports, and calls ``on_finish``
exactly once when the stream ends, fails or is abandoned (Streamlit stops a run mid-stream when the user
acts), so a usage record is written once per model call, never once per rerun.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, BaseMessageChunk
from langchain_core.messages.utils import count_tokens_approximately

from backend.metering.figures import AnswerFigures
from backend.metering.prices import PriceTable

Outcome = Literal["ok", "error", "interrupted", "refused"]


class CallMeter:
    """One model call's clock and token counts."""

    def __init__(
        self,
        model_id: str,
        prices: PriceTable,
        *,
        prompt: Sequence[BaseMessage] = (),
        on_finish: Callable[[CallMeter], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.model_id = model_id
        self._prices = prices
        self._prompt = list(prompt)
        self._on_finish = on_finish
        self._clock = clock
        self._started: float | None = None
        self._first: float | None = None
        self._ended: float | None = None
        self._input_tokens = 0
        self._output_tokens = 0
        self._reported = False
        self.text = ""
        self.outcome: Outcome | None = None

    def stream(self, chunks: Iterable[BaseMessageChunk]) -> Generator[str, None, None]:
        """Yield the text of ``chunks`` while timing them; ``on_finish`` runs once at the end."""
        self._started = self._clock()
        try:
            for chunk in chunks:
                usage = getattr(chunk, "usage_metadata", None)
                if usage:
                    self._reported = True
                    self._input_tokens += int(usage.get("input_tokens", 0))
                    self._output_tokens += int(usage.get("output_tokens", 0))
                text = chunk.text
                if text:
                    if self._first is None:
                        self._first = self._clock()
                    self.text += text
                    yield text
            self.outcome = "ok"
        except GeneratorExit:
            self.outcome = "interrupted"
            raise
        except Exception:
            self.outcome = "error"
            raise
        finally:
            self._ended = self._clock()
            if self._on_finish is not None:
                self._on_finish(self)

    def figures(self) -> AnswerFigures:
        """The call's figures so far (final once the stream has ended)."""
        started = self._started if self._started is not None else self._clock()
        ended = self._ended if self._ended is not None else self._clock()
        if self._reported:
            input_tokens, output_tokens = self._input_tokens, self._output_tokens
        else:
            input_tokens = count_tokens_approximately(self._prompt) if self._prompt else 0
            output_tokens = count_tokens_approximately([AIMessage(self.text)]) if self.text else 0
        return AnswerFigures.priced(
            self._prices,
            self.model_id,
            total_seconds=ended - started,
            first_token_seconds=None if self._first is None else self._first - started,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            tokens_estimated=not self._reported and bool(self._prompt or self.text),
        )
