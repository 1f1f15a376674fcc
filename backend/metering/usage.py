"""Write one usage record per model call, and read them back for the Usage report.

The recorder is called once per call: from ``CallMeter``'s ``on_finish`` (streamed calls, so an abandoned
stream is still recorded once) or with the figures a finished call returned (generators, posters). A
failed write is logged and never costs the user their answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from backend.appdb.timestamps import utc_now
from backend.appdb.usage import UsageLog, UsageOutcome, UsageRecord
from backend.metering.figures import AnswerFigures
from backend.metering.meter import CallMeter

logger = logging.getLogger(__name__)


class UsageRecorder:
    def __init__(self, log: UsageLog, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._log = log
        self._clock = clock

    def record(self, *, user: str, page: str, figures: AnswerFigures, outcome: UsageOutcome = "ok") -> None:
        """One record for one finished call; an answer that called no model is not a model call."""
        if figures.model_id is None:
            return
        record = UsageRecord(
            at=self._clock(),
            user=user,
            page=page,
            model=figures.model_id,
            input_tokens=figures.input_tokens,
            output_tokens=figures.output_tokens,
            images=figures.images,
            seconds=figures.total_seconds,
            first_token_seconds=figures.first_token_seconds,
            cost=figures.cost,
            outcome=outcome,
        )
        try:
            self._log.record(record)
        except Exception:  # the answer matters more than its bookkeeping
            logger.warning("Could not write a usage record for %s on %s", user, page, exc_info=True)

    def on_call(self, *, user: str, page: str) -> Callable[[CallMeter], None]:
        """A ``CallMeter`` ``on_finish`` hook that records the metered call."""

        def finished(meter: CallMeter) -> None:
            self.record(user=user, page=page, figures=meter.figures(), outcome=meter.outcome or "error")

        return finished
