"""The process's stop request: bounded waiting for work under way, and the signal hook."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

import pytest

from backend.errors import ErrorKind, ServerStoppingError, classify, user_message
from backend.shutdown import Shutdown, until_stopped


def test_drain_requests_the_stop_and_waits_for_the_work_under_way() -> None:
    shutdown = Shutdown()
    entered, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def work() -> None:
        with shutdown.work():
            entered.set()
            release.wait(5)
            seen.append(shutdown.requested)

    worker = threading.Thread(target=work)
    worker.start()
    entered.wait(5)
    assert shutdown.active == 1
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    assert shutdown.drain(5) is True
    assert 0.1 < time.monotonic() - started < 4
    worker.join(5)
    assert seen == [True]  # the work saw the stop request while it finished
    assert shutdown.active == 0


def test_drain_gives_up_after_its_timeout() -> None:
    shutdown = Shutdown()
    with shutdown.work():
        started = time.monotonic()
        assert shutdown.drain(0.2) is False
        assert 0.15 < time.monotonic() - started < 2


def test_check_raises_the_one_sentence_once_a_stop_is_requested() -> None:
    shutdown = Shutdown()
    shutdown.check()
    shutdown.request()
    with pytest.raises(ServerStoppingError) as info:
        shutdown.check()
    assert classify(info.value) is ErrorKind.BUSY  # the API answers 503
    assert user_message(info.value) == (
        "The server is shutting down, so this answer stopped here; ask again once it is back."
    )


def test_the_signal_hook_requests_the_stop_then_runs_the_servers_handler() -> None:
    calls: list[int] = []

    def server_handler(signum: int, frame: FrameType | None) -> None:
        calls.append(signum)

    original = signal.signal(signal.SIGTERM, server_handler)
    try:
        shutdown = Shutdown()
        restore = shutdown.hook_signals()
        os.kill(os.getpid(), signal.SIGTERM)
        assert shutdown.requested
        assert calls == [signal.SIGTERM]
        restore()
        assert signal.getsignal(signal.SIGTERM) is server_handler
    finally:
        signal.signal(signal.SIGTERM, original)


def test_the_signal_hook_is_a_no_op_outside_the_main_thread() -> None:
    before = signal.getsignal(signal.SIGTERM)
    restores = []
    worker = threading.Thread(target=lambda: restores.append(Shutdown().hook_signals()))
    worker.start()
    worker.join(5)
    assert signal.getsignal(signal.SIGTERM) is before
    restores[0]()


def test_until_stopped_ends_any_stream_at_the_first_piece_after_a_stop() -> None:
    shutdown = Shutdown()
    pulled: list[str] = []

    def pieces() -> Iterator[str]:  # a provider stream with no stop check of its own (Bedrock)
        for piece in ("Rome ", "was ", "founded ", "in 753 BC"):
            pulled.append(piece)
            yield piece

    shown: list[str] = []

    def show(stream: Iterator[str]) -> None:
        for piece in stream:
            shown.append(piece)
            if piece == "was ":
                shutdown.request()  # SIGTERM while the answer streams

    with pytest.raises(ServerStoppingError):
        show(until_stopped(pieces(), shutdown))
    assert shown == ["Rome ", "was "]
    assert pulled == ["Rome ", "was "]  # nothing more is asked of the provider


def test_until_stopped_passes_a_whole_stream_through_when_no_stop_comes() -> None:
    assert list(until_stopped(iter(["a", "b"]), Shutdown())) == ["a", "b"]
