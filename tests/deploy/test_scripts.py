"""The EC2 shell scripts and the local Streamlit config: syntax, secrets handling, watcher settings."""

from __future__ import annotations

import subprocess
import tomllib

import pytest

from tests.conftest import REPO_ROOT

EC2 = REPO_ROOT / "deploy" / "ec2"


@pytest.mark.parametrize("script", ["deploy.sh", "bootstrap.sh", "install-release.sh"])
def test_scripts_parse_and_stop_at_the_first_error(script: str) -> None:
    path = EC2 / script
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "set -euo pipefail" in path.read_text()


def test_secrets_are_never_world_readable_nor_in_git() -> None:
    # tests/deploy/test_install_release.py runs the script; here, what a run cannot show.
    script = (EC2 / "install-release.sh").read_text()
    assert 'chmod 0600 "$secrets"' in script  # the temporary file too, before anything is written
    assert 'SERVICE_USER="${WORKBENCH_USER:-workbench}"' in script
    deploy = (EC2 / "deploy.sh").read_text()
    assert "--type SecureString" in deploy
    assert "secrets.toml" in (REPO_ROOT / ".gitignore").read_text()


def test_the_health_check_is_the_services_own_port() -> None:
    script = (EC2 / "install-release.sh").read_text()
    assert 'HEALTH_URL="${WORKBENCH_HEALTH_URL:-http://127.0.0.1:8501/_stcore/health}"' in script


def test_the_local_config_stops_watching_the_venv_and_data() -> None:
    server = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())["server"]
    # Polling watches only the app's modules: no recursive inotify watch over .venv and data/.
    assert server["fileWatcherType"] == "poll"
    assert server["folderWatchBlacklist"] == ["data"]
