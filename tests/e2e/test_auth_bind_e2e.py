"""The contract: ``AUTH_MODE=none streamlit run app.py --server.address 0.0.0.0`` exits non-zero at once,
with one sentence naming AUTH_MODE; on 127.0.0.1 the same command serves the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench._util import free_port, stop, wait_healthy
from tests.conftest import REPO_ROOT


def streamlit(address: str, tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AUTH_MODE": "none", "DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", address,
            "--server.port", str(port), "--server.headless", "true",
            "--server.fileWatcherType", "none",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def test_none_mode_refuses_to_listen_on_every_interface(tmp_path: Path) -> None:
    proc = streamlit("0.0.0.0", tmp_path, free_port())
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    lines = [line for line in err.decode().splitlines() if line.strip()]
    # Streamlit may log its own start-up notes first (e.g. no external IP offline); ours is the last line,
    # the only one about AUTH_MODE, and no traceback follows it.
    assert [line for line in lines if "AUTH_MODE" in line] == [lines[-1]]
    assert lines[-1].startswith("AUTH_MODE=none serves the app without sign-in")
    assert "set AUTH_MODE=local or AUTH_MODE=oidc" in lines[-1]
    assert "Traceback" not in err.decode()


def test_none_mode_serves_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    proc = streamlit("127.0.0.1", tmp_path, port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=60)
        assert proc.poll() is None
    finally:
        stop(proc)
