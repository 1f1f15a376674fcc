"""``python -m backend.auth``: the user CLI's contract."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.auth.cli import main
from tests.conftest import REPO_ROOT


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("APP_TABLE", raising=False)
    monkeypatch.chdir(tmp_path)  # no repository .env
    return tmp_path / "data"


def cli(*args: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_add_user_from_a_pipe_then_list(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("add-user", "ana", "--role", "admin", "--password-stdin", stdin="a long password\n") == (
        0,
        "Added ana (admin).\n",
    )
    assert cli("add-user", "bo", "--role", "staff", "--password-stdin", stdin="another password")[0] == 0
    code, out = cli("list")
    assert code == 0
    assert [line.split("\t")[:3] for line in out.splitlines()] == [
        ["ana", "admin", "active"],
        ["bo", "staff", "active"],
    ]
    assert (data_dir / "app.db").exists()
    assert "a long password" not in (data_dir / "app.db").read_bytes().decode("latin-1")


def test_a_repeated_name_is_an_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli("add-user", "ana", "--role", "admin", "--password-stdin", stdin="a long password")
    code, _ = cli("add-user", "ana", "--role", "staff", "--password-stdin", stdin="a long password")
    assert code == 1
    assert capsys.readouterr().err == "A user named ana already exists.\n"
    assert cli("list")[1].split("\t")[:2] == ["ana", "admin"]


@pytest.mark.parametrize(
    ("args", "stdin", "error"),
    [
        (("add-user", "ana", "--role", "admin", "--password-stdin"), "short", "at least 10 characters"),
        (("add-user", "Ana!", "--role", "admin", "--password-stdin"), "a long password", "not a valid user"),
        (("set-password", "nobody", "--password-stdin"), "a long password", "no user named nobody"),
        (("disable", "nobody"), "", "no user named nobody"),
        (("add-user", "ana", "--role", "admin"), "", "pass --password-stdin"),
    ],
)
def test_failures_are_one_sentence_and_non_zero(
    data_dir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], stdin: str, error: str
) -> None:
    code, _ = cli(*args, stdin=stdin)
    err = capsys.readouterr().err
    assert code == 1
    assert error in err
    assert err.count("\n") == 1


def test_disable_and_enable(data_dir: Path) -> None:
    cli("add-user", "bo", "--role", "staff", "--password-stdin", stdin="a long password")
    assert cli("disable", "bo") == (0, "bo is disabled.\n")
    assert cli("list")[1].split("\t")[2] == "disabled"
    assert cli("enable", "bo") == (0, "bo is enabled.\n")


def test_the_module_runs_as_documented(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    env.pop("APP_TABLE", None)
    command = [sys.executable, "-m", "backend.auth", "add-user", "ana", "--role", "admin", "--password-stdin"]
    first = subprocess.run(command, input=b"a long password", env=env, cwd=REPO_ROOT, capture_output=True)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(command, input=b"a long password", env=env, cwd=REPO_ROOT, capture_output=True)
    assert again.returncode != 0
    assert again.stderr == b"A user named ana already exists.\n"
