"""The EC2 nginx site config, rendered to run unprivileged on this machine (tests only).

The shipped file is used as is, except its two addresses: nginx listens on a free loopback port instead
of :80, and the upstream is the test's Streamlit port instead of 8501. A minimal main config around it
keeps every path inside the test's folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT

SITE = REPO_ROOT / "deploy" / "ec2" / "nginx-workbench.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render_site(listen_port: int, app_port: int) -> str:
    site = SITE.read_text()
    site, listens = re.subn(
        r"listen 80 default_server;", f"listen 127.0.0.1:{listen_port} default_server;", site
    )
    site, upstreams = re.subn(r"server 127\.0\.0\.1:8501;", f"server 127.0.0.1:{app_port};", site)
    assert (listens, upstreams) == (1, 1), "the site config no longer has the addresses the tests replace"
    return site


def write_config(folder: Path, listen_port: int, app_port: int) -> Path:
    """nginx.conf + the site under ``folder``; returns the main config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "workbench.conf").write_text(render_site(listen_port, app_port))
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, nginx would switch its workers to "nobody", who cannot read the test's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 128; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/workbench.conf;
}}
"""
    )
    return main


def nginx_test(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NGINX, "-t", "-p", str(config.parent), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
