"""The EC2 reverse proxy's site config: valid for nginx, websocket and health paths passed to Streamlit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.nginx_site import NGINX, SITE, nginx_test, write_config


def test_the_site_config_passes_nginx_t(tmp_path: Path) -> None:
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (scripts/test.sh does this)")
    result = nginx_test(write_config(tmp_path, 18080, 18501))
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def test_a_broken_site_config_fails_nginx_t(tmp_path: Path) -> None:
    config = write_config(tmp_path, 18080, 18501)
    site = tmp_path / "workbench.conf"
    site.write_text(site.read_text().replace("proxy_http_version 1.1;", "proxy_http_version 1.1", 1))
    assert nginx_test(config).returncode != 0


def location(name: str) -> str:
    match = re.search(r"location " + re.escape(name) + r" \{(.*?)\n    \}", SITE.read_text(), re.S)
    assert match is not None, name
    return match.group(1)


def test_the_websocket_is_upgraded_and_kept_open() -> None:
    stream = location("/_stcore/stream")
    assert "proxy_pass http://streamlit;" in stream
    assert "proxy_http_version 1.1;" in stream
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    seconds = int(re.search(r"proxy_read_timeout (\d+)s;", stream).group(1))  # type: ignore[union-attr]
    assert seconds >= 3600
    assert "map $http_upgrade $connection_upgrade" in SITE.read_text()


def test_health_goes_to_streamlit_and_the_upstream_is_loopback() -> None:
    assert "proxy_pass http://streamlit;" in location("= /_stcore/health")
    upstream = re.search(r"upstream streamlit \{(.*?)\}", SITE.read_text(), re.S)
    assert upstream is not None
    assert re.findall(r"server ([\d.:]+);", upstream.group(1)) == ["127.0.0.1:8501"]
