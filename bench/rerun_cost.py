"""Cost of one Streamlit rerun of the chatbot page once models and settings are cached.

Run: .venv/bin/python -m bench.rerun_cost --runs 200
Uses Streamlit's AppTest (in-process script runner), so the figure is the script's own work per rerun,
router + sidebar + page, without the browser round trip. Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import time

from streamlit.testing.v1 import AppTest

from bench._util import REPO_ROOT, summary

PAGES = ["pages/chatbot.py", "pages/hr_policy_qa.py", "pages/code_blog.py", "pages/status.py"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for page in PAGES:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        at.run()  # first run loads and caches the models
        assert not at.exception, at.exception
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - started) * 1000)
        print(summary(f"rerun {page}", times, "ms"))


if __name__ == "__main__":
    main()
