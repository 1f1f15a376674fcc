"""Row 8: the offline app makes no request that leaves the machine (favicon, fonts, scripts, anything).

Chromium records every request while each page of the app loads; all must go to the app on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tests.e2e.conftest import wait_until_idle

PAGES = ["", "status", "code_blog", "summarizer", "poster", "hr_policy_qa"]


def test_every_request_stays_on_loopback(app_server: Callable[..., str], browser_page: Any) -> None:
    url = app_server()
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))

    for path in PAGES:
        browser_page.goto(f"{url}/{path}")
        wait_until_idle(browser_page)
        browser_page.get_by_test_id("stSidebarNav").wait_for()
    browser_page.wait_for_timeout(1_000)  # late requests (favicon, fonts) have time to start

    hosts = {urlsplit(u).hostname for u in requested if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if urlsplit(u).hostname != "127.0.0.1")
    favicon = browser_page.evaluate("() => document.querySelector('link[rel~=icon]')?.href")
    assert favicon.startswith(url)  # the shipped file, served by the app itself
    assert any("favicon" in u or u == favicon for u in requested)
