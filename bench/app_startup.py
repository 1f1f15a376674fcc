"""Cold start of ``streamlit run`` to the first served page, and peak memory with the local models loaded.

Run: .venv/bin/python -m bench.app_startup --runs 5
"First served page" is measured in Debian's chromium: from process start until the Chatbot heading is drawn.
Peak memory is the streamlit process's VmHWM after one chat reply (and one policy question, if the HR
page is present), i.e. with both offline models loaded.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from bench._util import chromium_page, peak_rss_mb, streamlit_server, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    health, first_page, peaks = [], [], []
    with chromium_page() as page:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                env = {
                    "APP_PROVIDER": "local",
                    "UPLOAD_DIR": f"{tmp}/uploads",
                    "OUTPUT_DIR": f"{tmp}/outputs",
                }
                started = time.perf_counter()
                with streamlit_server(env) as (url, proc, ready_s):
                    page.goto(url)
                    page.get_by_role("heading", name="Chatbot").wait_for()
                    first_page.append(time.perf_counter() - started)
                    health.append(ready_s)
                    box = page.get_by_test_id("stChatInputTextArea")
                    box.fill("Say hello.")
                    box.press("Enter")
                    page.wait_for_function(
                        "() => document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 2"
                    )
                    page.wait_for_timeout(3000)
                    if page.get_by_role("link", name="HR Policy Q&A").count():
                        page.get_by_role("link", name="HR Policy Q&A").click()
                        page.get_by_test_id("stChatInputTextArea").wait_for()
                        box = page.get_by_test_id("stChatInputTextArea")
                        box.fill("How many days of annual leave do I get?")
                        box.press("Enter")
                        page.wait_for_timeout(15000)
                    peaks.append(peak_rss_mb(proc.pid))
    print(summary("server ready (/_stcore/health)", health, "s"))
    print(summary("first page drawn in chromium", first_page, "s"))
    print(summary("peak RSS with local models loaded", peaks, "MB"))


if __name__ == "__main__":
    main()
