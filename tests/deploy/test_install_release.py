"""deploy/ec2/install-release.sh, run for real in a scratch folder: the instance's paths come from its
WORKBENCH_* variables, and the commands it calls on the instance (aws, systemctl, curl, python3.11, sleep)
are small fakes first on PATH that record what they were asked and serve the test's releases."""

from __future__ import annotations

import getpass
import grp
import io
import os
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "deploy" / "ec2" / "install-release.sh"
HEALTHY, BROKEN, NEWER = "aaaaaaa1", "bbbbbbb2", "ccccccc3"

FAKES = {
    # s3 cp s3://bucket/releases/V.tar.gz -   |   ssm get-parameter ... --name /workbench/wb/NAME ...
    "aws": """#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
if [ "$1" = s3 ]; then
  for a in "$@"; do case "$a" in s3://*) cat "$FAKE_S3/${a#s3://*/}";; esac; done; exit 0
fi
if [ "$1" = ssm ]; then
  while [ $# -gt 0 ]; do [ "$1" = --name ] && name="$2"; shift; done
  file="$FAKE_SSM/$(basename "$name")"
  [ -f "$file" ] && { cat "$file"; exit 0; }
  echo "An error occurred (ParameterNotFound)" >&2; exit 254
fi
exit 1
""",
    "systemctl": '#!/usr/bin/env bash\necho "systemctl $*" >> "$FAKE_LOG"\n',
    # Healthy when the live release says so.
    "curl": '#!/usr/bin/env bash\n[ -e "$WORKBENCH_HOME/current/HEALTHY" ]\n',
    "sleep": "#!/usr/bin/env bash\nexit 0\n",
    # python3.11 -m venv DIR: a venv whose pip "installs" streamlit.
    "python3.11": """#!/usr/bin/env bash
venv="$3"; mkdir -p "$venv/bin"
printf '#!/usr/bin/env bash\\necho "pip $*" >> "$FAKE_LOG"\\n' > "$venv/bin/pip"
printf 'touch "%s/bin/streamlit"; chmod +x "%s/bin/streamlit"\\n' "$venv" "$venv" >> "$venv/bin/pip"
chmod +x "$venv/bin/pip"
""",
}


def release(version: str, *, healthy: bool) -> bytes:
    files = {
        "app.py": b"print('app')\n",
        "requirements.txt": b"streamlit\n",
        "data/policies/leave.pdf": b"%PDF",
    }
    if healthy:
        files["HEALTHY"] = b""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.fixture
def instance(tmp_path: Path) -> dict[str, str]:
    fakes = tmp_path / "bin"
    fakes.mkdir()
    for name, body in FAKES.items():
        (fakes / name).write_text(body)
        (fakes / name).chmod(0o755)
    s3 = tmp_path / "s3" / "releases"
    s3.mkdir(parents=True)
    for version, healthy in ((HEALTHY, True), (BROKEN, False), (NEWER, True)):
        (s3 / f"{version}.tar.gz").write_bytes(release(version, healthy=healthy))
    ssm = tmp_path / "ssm"
    ssm.mkdir()
    (ssm / "session-secret").write_text("0123456789abcdef")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "stack.env").write_text(
        "AWS_REGION=eu-west-1\nARTIFACT_BUCKET=artifacts\nSSM_PREFIX=/workbench/wb\n"
    )
    for folder in ("home/releases", "data", "logs"):
        (tmp_path / folder).mkdir(parents=True)
    user = getpass.getuser()
    return {
        **os.environ,
        "PATH": f"{fakes}:{os.environ['PATH']}",
        "WORKBENCH_ETC": str(etc),
        "WORKBENCH_HOME": str(tmp_path / "home"),
        "WORKBENCH_DATA": str(tmp_path / "data"),
        "WORKBENCH_LOGS": str(tmp_path / "logs"),
        "WORKBENCH_USER": user,
        "WORKBENCH_CODE_OWNER": user,
        "WORKBENCH_HEALTH_TRIES": "3",
        "FAKE_S3": str(tmp_path / "s3"),
        "FAKE_SSM": str(ssm),
        "FAKE_LOG": str(tmp_path / "calls.log"),
    }


def install(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def live(env: dict[str, str]) -> str:
    return Path(env["WORKBENCH_HOME"], "current").resolve().name


def test_a_release_is_installed_with_its_secrets_and_goes_live(instance: dict[str, str]) -> None:
    result = install(instance, HEALTHY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert live(instance) == HEALTHY
    secrets = Path(instance["WORKBENCH_HOME"], "releases", HEALTHY, ".streamlit", "secrets.toml")
    assert secrets.read_text() == 'SESSION_SECRET = "0123456789abcdef"\n'
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert secrets.stat().st_uid == os.getuid()
    assert grp.getgrgid(secrets.stat().st_gid).gr_name == instance["WORKBENCH_USER"]
    calls = Path(instance["FAKE_LOG"]).read_text()
    assert (
        "aws s3 cp --only-show-errors --region eu-west-1 s3://artifacts/releases/aaaaaaa1.tar.gz -" in calls
    )
    assert "--with-decryption --name /workbench/wb/session-secret" in calls
    assert "--extra-index-url https://download.pytorch.org/whl/cpu -r" in calls
    assert calls.count("systemctl restart workbench") == 1
    # The sample policies are copied once into the data folder, which outlives releases.
    assert Path(instance["WORKBENCH_DATA"], "policies", "leave.pdf").read_bytes() == b"%PDF"


def test_the_oidc_auth_table_is_appended_when_it_exists(instance: dict[str, str]) -> None:
    Path(instance["FAKE_SSM"], "oidc-auth-toml").write_text('[auth]\nclient_secret = "s"')
    assert install(instance, HEALTHY).returncode == 0
    secrets = Path(instance["WORKBENCH_HOME"], "current", ".streamlit", "secrets.toml").read_text()
    assert secrets == 'SESSION_SECRET = "0123456789abcdef"\n\n[auth]\nclient_secret = "s"\n'


def test_an_unhealthy_release_is_rolled_back_and_fails(instance: dict[str, str]) -> None:
    assert install(instance, HEALTHY).returncode == 0
    result = install(instance, BROKEN)
    assert result.returncode == 1
    assert f"{BROKEN} did not become healthy" in result.stdout
    assert f"restored {HEALTHY}" in result.stdout
    assert live(instance) == HEALTHY


def test_rollback_returns_to_the_release_live_before(instance: dict[str, str]) -> None:
    assert install(instance, HEALTHY).returncode == 0
    assert install(instance, NEWER).returncode == 0
    assert live(instance) == NEWER
    result = install(instance, "--previous")
    assert result.returncode == 0, result.stdout
    assert live(instance) == HEALTHY
    # Installing the live release again changes nothing (deploy.sh does this after a first boot).
    calls = Path(instance["FAKE_LOG"]).read_text().count("systemctl restart")
    assert "already live" in install(instance, HEALTHY).stdout
    assert Path(instance["FAKE_LOG"]).read_text().count("systemctl restart") == calls


@pytest.mark.parametrize("args", [["--previous"], ["not-a-sha"], ["../../etc"]])
def test_nothing_to_roll_back_to_or_a_bad_version_is_refused(
    instance: dict[str, str], args: list[str]
) -> None:
    result = install(instance, *args)
    assert result.returncode == 1
    assert "No previous release" in result.stdout or "Not a release version" in result.stdout
    assert not Path(instance["WORKBENCH_HOME"], "current").exists()


def test_only_the_five_newest_releases_are_kept(instance: dict[str, str]) -> None:
    versions = [f"{i:07x}f" for i in range(7)]
    for version in versions:
        Path(instance["FAKE_S3"], "releases", f"{version}.tar.gz").write_bytes(release(version, healthy=True))
        assert install(instance, version).returncode == 0
    kept = sorted(p.name for p in Path(instance["WORKBENCH_HOME"], "releases").iterdir())
    assert kept == sorted(versions[-5:])
    assert live(instance) == versions[-1]
    assert Path(instance["WORKBENCH_HOME"], "previous").read_text().strip().endswith(versions[-2])
