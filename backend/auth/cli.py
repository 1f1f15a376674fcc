"""``python -m backend.auth``: manage the built-in users (AUTH_MODE=local) from a shell.

    printf 'PASSWORD' | python -m backend.auth add-user ana --role admin --password-stdin
    python -m backend.auth set-password ana          # prompts twice
    python -m backend.auth disable ana
    python -m backend.auth enable ana
    python -m backend.auth list

Every failure is one sentence on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

from backend.appdb import open_store
from backend.appdb.store import StoreError
from backend.appdb.users import ROLES, UnknownUserError, UserExistsError
from backend.auth.passwords import WeakPasswordError
from backend.auth.service import InvalidUsernameError, LocalAuth
from backend.auth.setup import build_local_auth
from backend.settings import SettingsError, load_settings


class CliError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m backend.auth", description="Manage the app's built-in users.")
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add a user (a repeated name is an error)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    setpw = sub.add_parser("set-password", help="set a user's password (ends their sessions)")
    setpw.add_argument("username")
    setpw.add_argument("--password-stdin", action="store_true")
    for name, text in (
        ("disable", "stop a user signing in (ends their sessions)"),
        ("enable", "undo disable"),
    ):
        sub.add_parser(name, help=text).add_argument("username")
    sub.add_parser("list", help="list users, roles and status")
    return p


def read_password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        return stdin.read().rstrip("\r\n")
    if not stdin.isatty():
        raise CliError("No terminal to ask for a password: pass --password-stdin and pipe it in.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise CliError("The two passwords differ; nothing was changed.")
    return first


def run(args: argparse.Namespace, auth: LocalAuth, stdin: TextIO, stdout: TextIO) -> None:
    if args.command == "add-user":
        user = auth.add_user(args.username, args.role, read_password(args.password_stdin, stdin))
        print(f"Added {user.username} ({user.role}).", file=stdout)
    elif args.command == "set-password":
        auth.set_password(args.username, read_password(args.password_stdin, stdin))
        print(f"Password set for {args.username}; their open sessions have ended.", file=stdout)
    elif args.command in ("disable", "enable"):
        auth.set_disabled(args.username, args.command == "disable")
        print(f"{args.username} is {args.command}d.", file=stdout)
    else:
        for u in auth.list_users():
            status = "disabled" if u.disabled else "active"
            print(f"{u.username}\t{u.role}\t{status}\tsince {u.created_at:%Y-%m-%d}", file=stdout)


def main(argv: Sequence[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        auth = build_local_auth(settings, open_store(settings))
        run(args, auth, stdin, stdout)
    except (
        CliError,
        SettingsError,
        StoreError,
        UserExistsError,
        UnknownUserError,
        WeakPasswordError,
        InvalidUsernameError,
    ) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
