"""A server's stop request, as every generation in the process sees it.

When the Streamlit app or the generation API gets SIGTERM (or Ctrl+C), the ASGI server stops accepting
work and waits for what is running. An offline answer can take minutes, so waiting for it is not an
option, and killing it mid-way loses what the user already read. Instead:

- the signal handler calls ``request()`` (it only sets a flag, so it is safe inside a handler);
- a local generation checks ``requested`` between tokens and ends with ``ServerStoppingError``, whose
  sentence the page or the API shows like any other failure (a half-written output is never saved);
- work that must finish what it has (saving a transcript with its partial answer) runs inside
  ``work()``, and the server's shutdown waits for it with ``drain(timeout)``, bounded.

One object per process (``process_shutdown()``): a signal reaches the whole process, so the flag is
process-wide by nature. Services take it through their constructor, so tests pass their own.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

from backend.errors import ServerStoppingError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
T = TypeVar("T")


class Shutdown:
    def __init__(self) -> None:
        self._requested = threading.Event()
        self._cond = threading.Condition()
        self._active = 0

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def request(self) -> None:
        """Ask every generation to stop at its next token. Safe to call from a signal handler."""
        self._requested.set()

    def check(self) -> None:
        """Raise ``ServerStoppingError`` once a stop was requested (generations call it between tokens)."""
        if self._requested.is_set():
            raise ServerStoppingError()

    @property
    def active(self) -> int:
        with self._cond:
            return self._active

    @contextmanager
    def work(self) -> Iterator[None]:
        """Work the shutdown waits for (bounded): an answer being streamed and the saving of it."""
        with self._cond:
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def drain(self, timeout: float) -> bool:
        """Request the stop and wait up to ``timeout`` seconds for the work under way; True if it ended."""
        self.request()
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def hook_signals(self) -> Callable[[], None]:
        """Make SIGTERM and SIGINT request the stop before the server's own handler runs.

        Call it from the server's start-up, after the server installed its handlers (uvicorn installs
        them before the lifespan starts). Outside the main thread (a test client) it does nothing, since
        only the main thread may set handlers. Returns a function that puts the previous handlers back.
        """
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

        def handler(signum: int, frame: FrameType | None) -> None:
            self.request()
            chained: Any = previous[signal.Signals(signum)]
            if callable(chained):
                chained(signum, frame)
            elif chained != signal.SIG_IGN:  # the default action: end the process as the signal would
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        for sig in STOP_SIGNALS:
            signal.signal(sig, handler)

        def restore() -> None:
            for sig, old in previous.items():
                if signal.getsignal(sig) is handler:
                    signal.signal(sig, old)

        return restore


def until_stopped(pieces: Iterable[T], shutdown: Shutdown | None = None) -> Iterator[T]:
    """Pass a stream through, ending it with ``ServerStoppingError`` at the first piece after a stop
    (of ``shutdown``, by default this process's).

    The local model checks between tokens itself; a Bedrock or Knowledge Base stream has no such check,
    so the pages wrap every stream in this and a SIGTERM ends any answer within one piece.
    """
    stop = shutdown or process_shutdown()
    for piece in pieces:
        yield piece
        stop.check()


_PROCESS = Shutdown()


def process_shutdown() -> Shutdown:
    """This process's stop request: what the servers' signal handlers set and the local model reads."""
    return _PROCESS
