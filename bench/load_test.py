"""Load test, loopback only: N concurrent sessions against the generation API and the HR Q&A page.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.load_test --sessions 20 --seconds 120

Both servers run offline (SmolLM2 under llama.cpp, MiniLM) on 127.0.0.1 ports chosen at random:

- **API**: ``uvicorn serverless.app:app``; each session posts ``/blog-generation`` with 64 output tokens,
  again and again, until the time is up.
- **Streamlit**: ``streamlit run app.py``; each session is a websocket client speaking Streamlit's own
  protocol (the protobuf ``BackMsg``/``ForwardMsg`` a browser sends): it opens the HR Q&A page, then
  asks policy questions through the chat input, one after another, each timed until the script run
  finishes. An answer that shows an error box or an exception counts as an error.

Before the concurrent phase each target answers one session alone (the single-user figure). No session
starts a request after ``--seconds``; requests in flight then finish. Reported per target: requests,
errors, p50/p95 latency, the single-user median, and the server process's peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench._util import REPO_ROOT, free_port, peak_rss_mb, start_streamlit, stop, wait_healthy

QUESTIONS = [
    "How many days of earned leave do I get?",
    "How many days a week can I work from home?",
    "What class of travel is allowed for flights?",
    "Can I accept gifts from suppliers?",
]
TOPIC = {"blog_topic": "how to plan annual leave", "params": {"max_tokens": 64}}
_ERROR_FORMAT = 1  # streamlit.proto.Alert_pb2.Alert.ERROR


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors.append(error)
            else:
                self.latencies.append(seconds)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


# -- the API --------------------------------------------------------------------------------------
def api_request(base: str) -> Callable[[], tuple[float, str | None]]:
    client = httpx.Client(base_url=base, timeout=600)

    def one() -> tuple[float, str | None]:
        started = time.perf_counter()
        response = client.post("/blog-generation", json=TOPIC)
        error = None if response.status_code == 200 else f"{response.status_code}: {response.text[:120]}"
        return time.perf_counter() - started, error

    return one


def start_api(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "serverless.app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(proc)
    raise TimeoutError("the API did not start")


# -- the Streamlit page over its websocket ------------------------------------------------------------
class PageSession:
    """One browser-like session on the HR Q&A page, speaking Streamlit's websocket protocol."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self._ws = connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30)  # type: ignore[list-item]
        self._page_hash = ""
        self._chat_input_id = ""
        self._run({"page_name": "hr_policy_qa"}, timeout=600)
        if not self._chat_input_id:
            raise RuntimeError("the HR Q&A page showed no chat input")

    def ask(self, question: str) -> tuple[float, str | None]:
        from streamlit.proto.Common_pb2 import ChatInputValue
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self._chat_input_id, chat_input_value=ChatInputValue(data=question))
        started = time.perf_counter()
        error = self._run({"page_script_hash": self._page_hash, "widgets": [state]}, timeout=600)
        return time.perf_counter() - started, error

    def _run(self, client_state: dict[str, object], timeout: float) -> str | None:
        """Ask for a script run and read until it finishes; returns an error shown on the page, if any."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = ""
        if client_state.get("page_name"):
            rerun.page_name = str(client_state["page_name"])
        if client_state.get("page_script_hash"):
            rerun.page_script_hash = str(client_state["page_script_hash"])
        widgets = client_state.get("widgets") or []
        assert isinstance(widgets, list)
        rerun.widget_states.widgets.extend(widgets)
        self._ws.send(msg.SerializeToString())
        error: str | None = None
        deadline = time.monotonic() + timeout
        while True:
            raw = self._ws.recv(timeout=max(1.0, deadline - time.monotonic()))
            forward = ForwardMsg()
            forward.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self._page_hash = forward.new_session.page_script_hash
            elif kind == "page_info_changed":
                pass
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "chat_input":
                    self._chat_input_id = element.chat_input.id
                elif which == "exception":
                    error = f"exception: {element.exception.message[:120]}"
                elif which == "alert" and element.alert.format == _ERROR_FORMAT:
                    error = f"error box: {element.alert.body[:120]}"
            elif kind == "script_finished":
                return error

    def close(self) -> None:
        self._ws.close()


# -- driving sessions ------------------------------------------------------------------------------
def drive(
    make_session: Callable[[int], Callable[[int], tuple[float, str | None]]],
    sessions: int,
    seconds: float,
) -> Tally:
    """``sessions`` threads, each with its own session, sending requests until ``seconds`` are up."""
    tally = Tally()
    ready = threading.Barrier(sessions + 1)
    go = threading.Event()
    deadline: list[float] = []

    def worker(number: int) -> None:
        try:
            request = make_session(number)
        except Exception as exc:  # a session that cannot even start is an error, not a crash
            tally.add(0.0, f"session start: {exc}")
            ready.wait()
            return
        ready.wait()
        go.wait()
        turn = 0
        while time.monotonic() < deadline[0]:
            try:
                tally.add(*request(turn))
            except Exception as exc:
                tally.add(0.0, f"{type(exc).__name__}: {exc}")
            turn += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(sessions)]
    for t in threads:
        t.start()
    ready.wait()
    deadline.append(time.monotonic() + seconds)
    go.set()
    for t in threads:
        t.join()
    return tally


def report(name: str, single: list[float], tally: Tally, sessions: int, seconds: float, rss: float) -> None:
    done = len(tally.latencies)
    print(
        f"{name}: single user median {statistics.median(single):.1f} s; "
        f"{sessions} sessions for {seconds:.0f} s: {done} answered, {len(tally.errors)} errors, "
        f"p50 {_percentile(tally.latencies, 0.5):.1f} s, p95 {_percentile(tally.latencies, 0.95):.1f} s; "
        f"server peak RSS {rss:.0f} MB"
    )
    for error in tally.errors[:5]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--targets", nargs="+", choices=["api", "page"], default=["api", "page"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="load-test-") as tmp:
        data = Path(tmp) / "data"
        (data / "policies").mkdir(parents=True)
        for pdf in (REPO_ROOT / "data" / "policies").glob("*.pdf"):
            (data / "policies" / pdf.name).write_bytes(pdf.read_bytes())
        env = {
            "APP_PROVIDER": "local",
            "HF_HUB_OFFLINE": "1",
            "DATA_DIR": str(data),
            "INDEX_DIR": str(data / "index"),
            "UPLOAD_DIR": str(data / "uploads"),
            "OUTPUT_DIR": str(data / "outputs"),
        }
        if "api" in args.targets:
            proc, base = start_api(env)

            def api_session(number: int) -> Callable[[int], tuple[float, str | None]]:
                one = api_request(base)
                return lambda turn: one()

            try:
                alone = api_request(base)
                single = [alone()[0] for _ in range(3)]
                tally = drive(api_session, args.sessions, args.seconds)
                report("API /blog-generation (64 tokens)", single, tally, args.sessions, args.seconds,
                       peak_rss_mb(proc.pid))  # fmt: skip
            finally:
                stop(proc)
        if "page" in args.targets:
            proc, url = start_streamlit(env)
            try:
                wait_healthy(url, proc)
                first = PageSession(url)  # builds the index on the first visit
                single = [first.ask(QUESTIONS[i % len(QUESTIONS)])[0] for i in range(3)]
                first.close()

                def page_session(number: int) -> Callable[[int], tuple[float, str | None]]:
                    session = PageSession(url)
                    return lambda turn: session.ask(QUESTIONS[(number + turn) % len(QUESTIONS)])

                tally = drive(page_session, args.sessions, args.seconds)
                report("HR Q&A page (websocket)", single, tally, args.sessions, args.seconds,
                       peak_rss_mb(proc.pid))  # fmt: skip
            finally:
                stop(proc)


if __name__ == "__main__":
    main()
