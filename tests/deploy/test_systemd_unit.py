"""The EC2 systemd unit: non-root, always restarted, headless Streamlit on loopback with no file watcher."""

from __future__ import annotations

import shlex

import pytest

from tests.deploy.systemd_unit import UNIT, parse_unit, service, streamlit_options


def test_the_service_runs_as_its_own_user_and_always_restarts() -> None:
    svc = service()
    assert svc["User"] == ["workbench"]
    assert svc["Group"] == ["workbench"]
    assert svc["Restart"] == ["always"]
    assert int(svc["RestartSec"][0]) > 0
    assert svc["NoNewPrivileges"] == ["true"]
    assert svc["ProtectSystem"] == ["strict"]
    # It may write only its data and its log.
    assert svc["ReadWritePaths"][0].split() == ["/var/lib/workbench", "/var/log/workbench"]
    assert parse_unit(UNIT.read_text())["Install"]["WantedBy"] == ["multi-user.target"]


def test_streamlit_is_headless_on_loopback_without_a_file_watcher() -> None:
    options = streamlit_options()
    assert options["server.headless"] == "true"
    assert options["server.address"] == "127.0.0.1"
    assert options["server.fileWatcherType"] == "none"
    assert options["server.port"] == "8501"  # nginx's upstream (tests/deploy/test_nginx_config.py)
    args = shlex.split(service()["ExecStart"][0])
    assert args[:3] == ["/opt/workbench/current/.venv/bin/streamlit", "run", "app.py"]
    assert service()["WorkingDirectory"] == ["/opt/workbench/current"]


def test_settings_come_from_a_file_and_logs_go_where_cloudwatch_reads() -> None:
    svc = service()
    assert svc["EnvironmentFile"] == ["/etc/workbench/app.env"]
    assert svc["StandardOutput"] == svc["StandardError"] == ["append:/var/log/workbench/app.log"]
    agent = (UNIT.parent / "cloudwatch-agent.json").read_text()
    assert '"file_path": "/var/log/workbench/app.log"' in agent


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("User=root\n", "outside a section"),
        ("[Service]\nRestart\n", "not KEY=VALUE"),
    ],
)
def test_the_parser_refuses_what_systemd_would(text: str, error: str) -> None:
    with pytest.raises(AssertionError, match=error):
        parse_unit(text)


def test_the_parser_joins_continuations_and_keeps_repeated_keys() -> None:
    unit = parse_unit("[Service]\nExecStart=/bin/a \\\n    --x=1\nEnvironment=A=1\nEnvironment=B=2\n")
    assert unit["Service"]["ExecStart"] == ["/bin/a  --x=1"]
    assert unit["Service"]["Environment"] == ["A=1", "B=2"]
