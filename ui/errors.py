"""The pages' error boundary: log a failure once, with its traceback, and give the user one sentence."""

from __future__ import annotations

import logging
from collections.abc import Callable

from backend.errors import user_message

_log = logging.getLogger("workbench.pages")


def report(
    exc: BaseException,
    *,
    model_id: str | None = None,
    region: str | None = None,
    sentence: Callable[[BaseException], str] | None = None,
) -> str:
    """Log ``exc`` (the only place a page failure is logged) and return the sentence to show.

    ``sentence`` translates failures a feature knows better (e.g. the banking agent's); by default
    ``backend.errors.user_message``.
    """
    _log.warning("%s failed", type(exc).__name__, exc_info=exc)
    if sentence is not None:
        return sentence(exc)
    return user_message(exc, model_id=model_id, region=region)
