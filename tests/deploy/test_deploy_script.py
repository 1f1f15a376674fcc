"""deploy/ec2/deploy.sh, run for real against a fake ``aws`` that records every call and answers like the
CLI: the one-command deploy on a fresh account, an update, and the refusals. The script runs from a
scratch git repository holding a copy of itself, so a release is that repository's commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

FAKE_AWS = r"""#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  "s3api head-bucket") [ -e "$FAKE_STATE/bucket" ] || exit 254 ;;
  "s3api create-bucket") touch "$FAKE_STATE/bucket" ;;
  "s3 cp") cat > "$FAKE_STATE/uploaded.tar.gz" ;;
  "ssm get-parameter") [ -e "$FAKE_STATE/secret" ] || exit 254 ;;
  "ssm put-parameter")
    for a in "$@"; do case "$a" in file://*) f="${a#file://}"; stat -c %a "$f" > "$FAKE_STATE/secret-mode"
      cp "$f" "$FAKE_STATE/secret" ;; esac; done ;;
  "acm list-certificates") echo None ;;
  "acm import-certificate") echo "arn:aws:acm:eu-west-1:123456789012:certificate/$CERT_ID" ;;
  "ec2 describe-vpcs") echo vpc-0a1b2c3d ;;
  "ec2 describe-subnets") printf 'subnet-aaaa\tsubnet-bbbb\n' ;;
  "cloudformation describe-stacks")
    case "$*" in
      *InstanceId*) echo i-0a1b2c3d4e5f60718 ;;
      *Url*) echo https://wb-123.eu-west-1.elb.amazonaws.com ;;
      *InstanceRoleArn*) echo arn:aws:iam::123456789012:role/wb-app ;;
      *) echo "?" ;;
    esac ;;
  "ssm send-command") echo cmd-0123 ;;
  "ssm get-command-invocation")
    case "$*" in
      *StandardOutputContent*) echo "install-release: live" ;;
      *) echo "${FAKE_STATUS:-Success}" ;;
    esac ;;
esac
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def laptop(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    (repo / "deploy" / "ec2").mkdir(parents=True)
    for name in ("deploy.sh", "template.yaml"):
        shutil.copy2(REPO_ROOT / "deploy" / "ec2" / name, repo / "deploy" / "ec2" / name)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "release")
    fakes = tmp_path / "bin"
    fakes.mkdir()
    (fakes / "aws").write_text(FAKE_AWS)
    (fakes / "sleep").write_text("#!/usr/bin/env bash\nexit 0\n")
    for fake in fakes.iterdir():
        fake.chmod(0o755)
    (tmp_path / "state").mkdir()
    env = {
        **os.environ,
        "PATH": f"{fakes}:{os.environ['PATH']}",
        "AWS_REGION": "eu-west-1",
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "FAKE_STATE": str(tmp_path / "state"),
        "CERT_ID": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    }
    return repo, env


def run(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    script = repo / "deploy" / "ec2" / "deploy.sh"
    return subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=120)


def calls(env: dict[str, str]) -> list[str]:
    return Path(env["FAKE_LOG"]).read_text().splitlines()


def test_one_command_deploys_a_fresh_account(laptop: tuple[Path, dict[str, str]]) -> None:
    repo, env = laptop
    result = run(repo, env, "deploy", "--stack", "wb", "--cidr", "203.0.113.0/24", "--", "Provider=local")
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    log = calls(env)
    bucket = "workbench-artifacts-123456789012-eu-west-1"
    assert (
        f"aws s3api create-bucket --bucket {bucket} --create-bucket-configuration "
        "LocationConstraint=eu-west-1" in log
    )
    assert any(c.startswith(f"aws s3api put-public-access-block --bucket {bucket}") for c in log)
    assert any(c.startswith(f"aws s3api put-bucket-encryption --bucket {bucket}") for c in log)
    assert f"aws s3 cp --only-show-errors - s3://{bucket}/releases/{version}.tar.gz" in log
    # The release is the commit's archive.
    listing = subprocess.run(
        ["tar", "-tzf", str(Path(env["FAKE_STATE"], "uploaded.tar.gz"))], capture_output=True, text=True
    ).stdout.split()
    assert "deploy/ec2/deploy.sh" in listing
    # The session secret is created once, as a SecureString, passed through a private file (never argv).
    put = next(c for c in log if c.startswith("aws ssm put-parameter"))
    assert put.startswith(
        "aws ssm put-parameter --name /workbench/wb/session-secret --type SecureString --value file://"
    )
    secret = Path(env["FAKE_STATE"], "secret").read_text()
    assert len(secret) == 64
    assert int(secret, 16) > 0
    assert Path(env["FAKE_STATE"], "secret-mode").read_text().strip() == "600"
    assert secret not in Path(env["FAKE_LOG"]).read_text()
    assert any(c.startswith("aws acm import-certificate") for c in log)  # no certificate given: self-signed
    deploy = next(c for c in log if c.startswith("aws cloudformation deploy"))
    for argument in (
        "--stack-name wb",
        "--capabilities CAPABILITY_NAMED_IAM",
        "AllowedCidr=203.0.113.0/24",
        f"ArtifactBucket={bucket}",
        f"AppVersion={version}",
        "VpcId=vpc-0a1b2c3d",
        "LoadBalancerSubnetIds=subnet-aaaa,subnet-bbbb",
        "InstanceSubnetId=subnet-aaaa",
        "Provider=local",
    ):
        assert argument in deploy
    send = next(c for c in log if c.startswith("aws ssm send-command"))
    assert "--instance-ids i-0a1b2c3d4e5f60718" in send
    assert f"/usr/local/sbin/workbench-install-release {version}" in send
    assert "https://wb-123.eu-west-1.elb.amazonaws.com" in result.stdout


def test_a_second_deploy_reuses_the_bucket_the_secret_and_a_given_certificate(
    laptop: tuple[Path, dict[str, str]],
) -> None:
    repo, env = laptop
    Path(env["FAKE_STATE"], "bucket").touch()
    Path(env["FAKE_STATE"], "secret").touch()
    cert = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    assert (
        run(
            repo, env, "deploy", "--stack", "wb", "--cidr", "10.0.0.0/8", "--certificate-arn", cert
        ).returncode
        == 0
    )
    log = calls(env)
    assert not [
        c for c in log if c.startswith(("aws s3api create-bucket", "aws ssm put-parameter", "aws acm"))
    ]
    assert f"CertificateArn={cert}" in next(c for c in log if c.startswith("aws cloudformation deploy"))


def test_update_and_rollback_go_through_run_command(laptop: tuple[Path, dict[str, str]]) -> None:
    repo, env = laptop
    assert run(repo, env, "update", "--stack", "wb").returncode == 0
    assert run(repo, env, "rollback", "--stack", "wb").returncode == 0
    assert run(repo, env, "rollback", "--stack", "wb", "--to", "826421fabc12").returncode == 0
    commands = [c for c in calls(env) if c.startswith("aws ssm send-command")]
    assert "workbench-install-release --previous" in commands[1]
    assert "workbench-install-release 826421fabc12" in commands[2]
    assert not [c for c in calls(env) if c.startswith("aws cloudformation deploy")]


@pytest.mark.parametrize(
    ("args", "dirty", "status", "fragment"),
    [
        (["deploy", "--stack", "wb"], False, "Success", "--cidr is required"),
        (["update"], False, "Success", "--stack NAME is required"),
        (["update", "--stack", "wb"], True, "Success", "commit your changes first"),
        (["update", "--stack", "wb"], False, "Failed", "ended with status Failed"),
    ],
)
def test_refusals_are_one_sentence(
    laptop: tuple[Path, dict[str, str]], args: list[str], dirty: bool, status: str, fragment: str
) -> None:
    repo, env = laptop
    if dirty:
        (repo / "deploy" / "ec2" / "template.yaml").write_text("changed\n")
    result = run(repo, {**env, "FAKE_STATUS": status}, *args)
    assert result.returncode != 0
    assert fragment in result.stderr
