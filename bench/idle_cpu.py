"""An idle Streamlit server's CPU, per file-watcher setting, with one browser session open.

Streamlit creates its file watcher per session, so a chromium tab opens the app and then stays idle; only
the server process's CPU (user + system, from /proc) is counted, over ``--seconds``. ``--churn`` also
writes and deletes a small file under ``data/`` and under ``.venv/`` every 50 ms during the window, as an
index rebuild or a ``pip install`` does, to show what each watcher pays for activity in the tree it watches.

The app runs from a scratch copy of the repository whose ``.venv`` is a real folder tree with as many
directories as the installed venv (``--venv-dirs``, empty, no files): a developer's checkout. (The
worktrees here link ``.venv`` elsewhere, and inotify does not follow that link, which would hide the cost.)

Settings compared (command-line options override .streamlit/config.toml):
- ``watchdog``: Streamlit's default ("auto" = watchdog/inotify, recursive on the app's folder): before.
- ``config``: whatever .streamlit/config.toml says (the repository's local setting): after.
- ``poll``: polling only the app's own modules and pages.
- ``none``: no watcher at all (the EC2 service and the Dockerfile).

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.idle_cpu --seconds 30 [--churn]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench._util import REPO_ROOT, chromium_page, start_streamlit, stop, wait_healthy

SETTINGS: dict[str, tuple[str, ...]] = {
    "watchdog": ("--server.fileWatcherType", "auto"),
    "config": (),
    "poll": ("--server.fileWatcherType", "poll"),
    "none": ("--server.fileWatcherType", "none"),
}
APP_PARTS = ("app.py", "pages", "ui", "backend", "serverless", ".streamlit", "data/policies")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def inotify_watches(pid: int) -> int:
    """How many inotify watches the process holds (one per watched directory)."""
    count = 0
    for fdinfo in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            count += fdinfo.read_text().count("inotify wd:")
        except OSError:
            continue
    return count


def scratch_checkout(root: Path, venv_dirs: int) -> Path:
    """A copy of the app whose .venv is a real tree of ``venv_dirs`` empty directories."""
    for part in APP_PARTS:
        source = REPO_ROOT / part
        target = root / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "secrets.toml"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    site = root / ".venv" / "lib" / "python3.11" / "site-packages"
    per_package = 40
    for i in range(venv_dirs // per_package + 1):
        package = site / f"package_{i}"
        for j in range(per_package):
            (package / f"sub_{j}").mkdir(parents=True, exist_ok=True)
    return root


def churn(folders: list[Path], stop_event: threading.Event) -> int:
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    written = 0
    while not stop_event.is_set():
        for folder in folders:
            path = folder / f"chunk-{written % 20}.bin"
            path.write_bytes(os.urandom(4096))
            path.unlink()
        written += 1
        time.sleep(0.05)
    return written


def measure(setting: str, seconds: float, with_churn: bool, root: Path) -> tuple[float, int]:
    data = root / "data"
    env = {"DATA_DIR": str(data), "INDEX_DIR": str(data / "index"), "OUTPUT_DIR": str(data / "outputs")}
    proc, url = start_streamlit(env, extra_args=SETTINGS[setting], cwd=root)
    churn_dirs = [data / "bench-churn", root / ".venv" / "lib" / "python3.11" / "site-packages" / "churn"]
    try:
        wait_healthy(url, proc)
        with chromium_page() as page:
            page.goto(url)
            page.get_by_test_id("stApp").wait_for()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stApp\"]')"
                "?.getAttribute('data-test-script-state') === 'notRunning'"
            )
            time.sleep(3)  # let the first run's imports settle
            watches = inotify_watches(proc.pid)
            stop_event = threading.Event()
            writer = threading.Thread(target=churn, args=(churn_dirs, stop_event), daemon=True)
            before = cpu_seconds(proc.pid)
            if with_churn:
                writer.start()
            time.sleep(seconds)
            used = cpu_seconds(proc.pid) - before
            stop_event.set()
            if with_churn:
                writer.join()
        return used / seconds * 100, watches
    finally:
        stop(proc)
        for folder in churn_dirs:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--churn", action="store_true", help="write files under data/ during the window")
    parser.add_argument("--venv-dirs", type=int, default=sum(1 for _ in _venv_dirs()))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="idle-cpu-") as scratch:
        root = scratch_checkout(Path(scratch), args.venv_dirs)
        print(f"scratch checkout with a .venv of {args.venv_dirs} directories", flush=True)
        for setting in args.settings:
            report(setting, args, root)


def _venv_dirs() -> list[Path]:
    venv = (REPO_ROOT / ".venv").resolve()
    return [Path(d) for d, _, _ in os.walk(venv)]


def report(setting: str, args: argparse.Namespace, root: Path) -> None:
    percent, watches = measure(setting, args.seconds, args.churn, root)
    print(
        f"{setting:>8}: {percent:5.2f} % of one core over {args.seconds:.0f} s"
        f"{' with churn' if args.churn else ''}, {watches} inotify watches",
        flush=True,
    )


if __name__ == "__main__":
    main()
