"""SIGTERM while an answer is being written, on the real servers and the real offline model.

What a user and an operator should expect when the app is stopped (``systemctl stop``, a deploy, a
container stop) in the middle of a long offline answer:

- the server exits promptly: it does not wait for the generation to finish (the local model stops at its
  next token), and it exits as a clean stop, not a crash: status 0, or the SIGTERM itself re-raised after
  the graceful shutdown (what uvicorn does on purpose, and what systemd counts as a clean stop);
- no process it started is left behind, and the app database passes SQLite's integrity check;
- the Chatbot: after a restart the conversation is in the history with the user's question, the part of
  the answer already shown, and the one sentence saying it was cut short (the app's rule for any answer
  that fails after some text: keep the text, add one sentence);
- the generation API: the request in flight gets a 503 with that sentence, and no output file, whole or
  partial, is left in the output folder; outputs saved earlier are intact.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.appdb import SQLITE_FILE, open_store
from backend.appdb.conversations import ConversationRepository
from backend.auth.identity import LOCAL_OWNER
from backend.auth.setup import utc_now
from backend.chat.conversation import Conversation
from backend.chat.history import ConversationHistory
from backend.errors import ServerStoppingError
from backend.settings import Settings
from bench._util import CHROMIUM, chromium_page, start_streamlit, wait_healthy
from bench.load_test import start_api
from serverless.identity import USER_HEADER
from tests.e2e.conftest import app_env, wait_until_idle
from tests.e2e.test_chatbot_e2e import reply_text, send
from tests.faults.test_kill_during_ingest import marked_processes, wait_for

pytestmark = [pytest.mark.local_model, pytest.mark.enable_socket]

# A clean stop finishes well inside this (measured: under 1 s); a server that waited for the answer
# would take the whole generation (tens of seconds for 512 tokens on two cores).
PROMPT_EXIT_S = 10
CLEAN_EXITS = (0, -signal.SIGTERM)
STOPPED = str(ServerStoppingError())
USER = {USER_HEADER: "ada"}  # the in-process app's way of naming its user (API_AUTH=none)
LONG_QUESTION = "Write a very long, detailed essay about the history of the Roman Empire, in many paragraphs."


def _alnum(text: str) -> str:
    """Letters and digits only: the browser shows rendered Markdown, the transcript holds its source."""
    return re.sub(r"\W+", "", text).lower()


def _stop(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """SIGTERM ``proc``; returns its exit status and the seconds it took to exit."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        status = proc.wait(PROMPT_EXIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        pytest.fail(f"the server was still running {PROMPT_EXIT_S} s after SIGTERM")
    return status, time.monotonic() - started


def _integrity(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture
def marker() -> Iterator[str]:
    """The fault suite's process marker for the servers a test starts; anything left is killed after."""
    value = uuid.uuid4().hex
    yield value
    for pid in marked_processes(value):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def _chatbot(page: Any, env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The offline app (``streamlit run``) open on the Chatbot page; killed if it is still running after."""
    with log_path.open("wb") as log:
        proc, url = start_streamlit(env, log=log)
        try:
            wait_healthy(url, proc, 60)
            page.goto(url)
            page.get_by_role("heading", name="Chatbot").wait_for()
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()


@pytest.mark.e2e
def test_sigterm_while_the_chatbot_streams_keeps_the_question_and_the_partial_answer(
    tmp_path: Path, marker: str
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does this)")
    data = tmp_path / "data"
    (data / "policies").mkdir(parents=True)
    env = {**app_env(data), "AUTH_MODE": "none", "INGEST_TEST_MARKER": marker}

    with chromium_page(timeout_ms=60_000) as page:
        with _chatbot(page, env, tmp_path / "streamlit-0.log") as proc:
            send(page, LONG_QUESTION)
            # Some of the answer is on screen: the model is writing the rest.
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=\"stChatMessageContent\"]')].length >= 2",
                timeout=120_000,
            )
            deadline = time.monotonic() + 120
            while len(_alnum(shown := reply_text(page, 0))) < 20 and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            assert len(_alnum(shown)) >= 20, f"no answer appeared: {shown!r}"
            status, seconds = _stop(proc)
        print(f"streamlit exited {status} {seconds:.2f} s after SIGTERM mid-answer")
        assert status in CLEAN_EXITS, (tmp_path / "streamlit-0.log").read_text()[-2000:]
        assert seconds < PROMPT_EXIT_S
        assert wait_for(lambda: marked_processes(marker) == [], 5), f"left behind: {marked_processes(marker)}"
        assert _integrity(data / SQLITE_FILE) == "ok"

        # What was saved: the question, the answer as far as it got (at least what was shown), one sentence.
        settings = Settings(APP_PROVIDER="local", DATA_DIR=data)
        history = ConversationHistory(ConversationRepository(open_store(settings)), utc_now)
        summaries = history.list(LOCAL_OWNER, "chat")
        assert len(summaries) == 1, "the conversation was not saved"
        summary = summaries[0]
        saved = history.open(LOCAL_OWNER, summary.id)
        assert isinstance(saved, Conversation)
        assert [(t.role, t.is_error) for t in saved.turns] == [
            ("user", False),
            ("assistant", False),
            ("assistant", True),
        ]
        question, partial, sentence = (t.content for t in saved.turns)
        assert question == LONG_QUESTION
        assert _alnum(partial).startswith(_alnum(shown)), (partial, shown)
        assert sentence == STOPPED

        # After a restart the user finds it in the history and sees the same three turns.
        with _chatbot(page, env, tmp_path / "streamlit-1.log") as proc:
            page.get_by_test_id("stSidebar").get_by_role("button", name=summary.title).click()
            wait_until_idle(page)
            messages = page.get_by_test_id("stChatMessage")
            messages.nth(2).wait_for()
            assert messages.nth(0).inner_text().strip().endswith(LONG_QUESTION)
            assert _alnum(reply_text(page, 0)).startswith(_alnum(shown))
            assert STOPPED in messages.nth(2).inner_text()
            status, _ = _stop(proc)
        assert status in CLEAN_EXITS
    assert wait_for(lambda: marked_processes(marker) == [], 5)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_sigterm_during_a_long_local_generation_stops_the_api_promptly_and_saves_nothing(
    tmp_path: Path, marker: str
) -> None:
    outputs = tmp_path / "outputs"
    env = {
        "APP_PROVIDER": "local",
        "DATA_DIR": str(tmp_path / "data"),
        "OUTPUT_DIR": str(outputs),
        "HF_HUB_OFFLINE": "1",
        "INGEST_TEST_MARKER": marker,
    }
    proc, base = start_api(env)
    try:
        # One short blog first: a finished output that must survive the stop untouched.
        done = httpx.post(
            f"{base}/blog-generation",
            json={"blog_topic": "Remote work", "params": {"max_tokens": 64, "temperature": 0.0}},
            headers=USER,
            timeout=120,
        )
        assert done.status_code == 200, done.text
        before = {name: (outputs / name).read_bytes() for name in _files(outputs)}
        assert len(before) == 1

        # Then a long one (2,048 tokens take minutes on two cores), stopped once it is generating.
        answer: dict[str, Any] = {}

        def ask() -> None:
            response = httpx.post(
                f"{base}/blog-generation",
                json={
                    "blog_topic": "The history of Rome",
                    "params": {"max_tokens": 2048, "temperature": 0.0},
                },
                headers=USER,
                timeout=120,
            )
            answer["status"], answer["body"] = response.status_code, response.json()

        client = threading.Thread(target=ask)
        cpu = _cpu_seconds(proc.pid)
        client.start()
        assert wait_for(lambda: _cpu_seconds(proc.pid) - cpu > 1.5, 60), "the generation never started"
        status, seconds = _stop(proc)
        client.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    print(f"uvicorn exited {status} {seconds:.2f} s after SIGTERM mid-generation")
    assert status in CLEAN_EXITS
    assert seconds < PROMPT_EXIT_S
    assert wait_for(lambda: marked_processes(marker) == [], 5), f"left behind: {marked_processes(marker)}"
    assert answer == {"status": 503, "body": {"detail": STOPPED}}
    # Nothing new, not even a temporary file; the earlier output is byte for byte what it was.
    assert _files(outputs) == sorted(before)
    assert {name: (outputs / name).read_bytes() for name in before} == before
