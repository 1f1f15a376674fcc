"""The app behind the EC2 nginx config, on this machine: Streamlit started with the systemd unit's options
(its port aside), nginx with the shipped site config on a loopback port, chromium through the proxy."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench._util import free_port, start_streamlit, stop, wait_healthy
from tests.deploy.nginx_site import NGINX, nginx_test, write_config
from tests.deploy.systemd_unit import streamlit_options
from tests.e2e.conftest import screenshot, wait_until_idle


@pytest.fixture
def proxied_app(app_data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(the proxy's URL, nginx's access log)."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (scripts/test.sh does this)")
    options = {k: v for k, v in streamlit_options().items() if k != "server.port"}
    app_port, proxy_port = free_port(), free_port()
    env = {
        "APP_PROVIDER": "local",
        "DATA_DIR": str(app_data_dir),
        "INDEX_DIR": str(app_data_dir / "index"),
        "OUTPUT_DIR": str(app_data_dir / "outputs"),
    }
    with (tmp_path / "streamlit.log").open("wb") as log:
        app, app_url = start_streamlit(
            env, log=log, port=app_port, extra_args=tuple(f"--{k}={v}" for k, v in options.items())
        )
    config = write_config(tmp_path / "nginx", proxy_port, app_port)
    checked = nginx_test(config)
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen(
        [NGINX, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(app_url, app)
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        wait_healthy(proxy_url, proxy)  # /_stcore/health through nginx
        yield proxy_url, config.parent / "access.log"
    finally:
        stop(proxy)
        stop(app)


def test_the_app_works_through_nginx_websocket_included(
    proxied_app: tuple[str, Path], browser_page: Any
) -> None:
    url, access_log = proxied_app
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ok")

    page = browser_page
    page.goto(url + "/status")
    # Nothing is drawn until the session's websocket is up: the heading proves it passed through nginx.
    page.get_by_role("heading", name="Status").wait_for()
    page.get_by_text("Provider: offline (local models)").wait_for()
    # Switching pages is a message on the same websocket and a script run on the server.
    page.get_by_role("link", name="Summarizer").click()
    wait_until_idle(page)
    page.get_by_role("heading", name="Summarizer").wait_for()
    screenshot(page, "nginx-proxy-summarizer")

    # nginx logs a request when it ends: leaving the page closes the websocket, which must have been
    # upgraded (101) by nginx.
    page.goto("about:blank")
    deadline = time.monotonic() + 15
    upgrades: list[str] = []
    while time.monotonic() < deadline and not upgrades:
        upgrades = re.findall(r'"GET /_stcore/stream HTTP/1\.1" 101 ', access_log.read_text())
        time.sleep(0.2)
    assert upgrades, access_log.read_text()
