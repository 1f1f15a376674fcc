"""Sign-in to the first drawn page, in Debian's chromium, AUTH_MODE=local.

Run: .venv/bin/python -m bench.auth_signin --runs 10
Each run opens a fresh browser context (no cookie), fills "Username" and "Password", clicks "Sign in"
and stops the clock when the Chatbot heading is drawn. Also reported: one argon2id verification with
argon2-cffi's default parameters (the server-side share of a sign-in), when the session cookie is
stored, and the page load of a reload that resumes the session from the signed cookie.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backend.auth.passwords import Passwords
from bench._util import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, streamlit_server, summary

PASSWORD = "benchmark password 1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    passwords = Passwords()
    stored = passwords.hash(PASSWORD)
    verify = []
    for _ in range(args.runs):
        started = time.perf_counter()
        assert passwords.verify(stored, PASSWORD)
        verify.append((time.perf_counter() - started) * 1000)

    from playwright.sync_api import sync_playwright

    sign_in, cookie, resume = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        add_user = ["add-user", "bench", "--role", "staff", "--password-stdin"]
        subprocess.run(
            [sys.executable, "-m", "backend.auth", *add_user],
            input=PASSWORD.encode(),
            cwd=REPO_ROOT,
            env={**os.environ, "DATA_DIR": str(data)},
            check=True,
        )
        env = {"AUTH_MODE": "local", "APP_PROVIDER": "local", "DATA_DIR": str(data)}
        with streamlit_server(env) as (url, _, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(url)
                page.get_by_role("textbox", name="Username").fill("bench")
                page.get_by_role("textbox", name="Password").fill(PASSWORD)
                started = time.perf_counter()
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("heading", name="Chatbot").wait_for()
                sign_in.append(time.perf_counter() - started)
                page.wait_for_function("() => document.cookie.includes('workbench_session=')")
                cookie.append(time.perf_counter() - started)
                started = time.perf_counter()
                page.reload()
                page.get_by_role("heading", name="Chatbot").wait_for()
                resume.append(time.perf_counter() - started)
                context.close()
            browser.close()
    print(summary("argon2id verify (default parameters)", verify, "ms"))
    print(summary("click 'Sign in' → Chatbot page drawn", sign_in, "s"))
    print(summary("click 'Sign in' → session cookie stored", cookie, "s"))
    print(summary("reload with the session cookie → Chatbot page drawn", resume, "s"))


if __name__ == "__main__":
    main()
