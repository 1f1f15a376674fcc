"""Small helpers shared by the benchmarks: medians, a streamlit server, a headless chromium."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Without these, chromium keeps trying to reach Google services that this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def summary(name: str, values: list[float], unit: str) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (
        f"{name}: median {statistics.median(values):.3f} {unit}, min {values[0]:.3f}, "
        f"p95 {p95:.3f}, n={len(values)}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_streamlit(
    env: dict[str, str] | None = None,
    *,
    log: Any = subprocess.DEVNULL,
    extra_args: tuple[str, ...] = ("--server.fileWatcherType", "none"),
    port: int | None = None,
    cwd: Path = REPO_ROOT,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run app.py`` headless on a loopback port (a free one by default).

    Returns (process, url).

    ``extra_args`` are more ``streamlit run`` options; by default the file watcher is off."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", *extra_args,
        ],
        cwd=cwd,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def streamlit_server(
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """Start the app; yields (url, process, seconds until /_stcore/health answered)."""
    started = time.perf_counter()
    proc, url = start_streamlit(env)
    try:
        wait_healthy(url, proc)
        yield url, proc, time.perf_counter() - started
    finally:
        stop(proc)


@contextmanager
def chromium_page(timeout_ms: float = 120_000) -> Iterator[Any]:
    """A Playwright page in Debian's chromium (Playwright's own browser download is not used).

    Playwright gives the browser a fresh temporary profile itself."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set size."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")
