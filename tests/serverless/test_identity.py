"""The caller of a request, from API Gateway's authorizer context or the in-process caller: a table."""

from __future__ import annotations

from typing import Any

import pytest

from serverless.identity import (
    ForbiddenCallerError,
    UnauthenticatedError,
    resolve_caller,
    same_role,
)

APP_ROLE = "arn:aws:iam::123456789012:role/workbench-app"
APP_SESSION = "arn:aws:sts::123456789012:assumed-role/workbench-app/i-0a1b2c3d4e5f60718"
DEV_SESSION = "arn:aws:sts::123456789012:assumed-role/Developer/bob"


def iam_event(user_arn: str) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"iam": {"userArn": user_arn, "accountId": "123456789012"}}}}


def jwt_event(**claims: str) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": ["openid"]}}}}


@pytest.mark.parametrize(
    ("caller", "role", "same"),
    [
        (APP_SESSION, APP_ROLE, True),
        (APP_SESSION, "arn:aws:iam::123456789012:role/service-roles/workbench-app", True),
        (APP_SESSION, "arn:aws:iam::210987654321:role/workbench-app", False),  # another account
        (APP_SESSION, "arn:aws:iam::123456789012:role/workbench-app-old", False),
        ("arn:aws:sts::123456789012:assumed-role/workbench-app-old/i-1", APP_ROLE, False),
        ("arn:aws-cn:sts::123456789012:assumed-role/workbench-app/i-1", APP_ROLE, False),  # another partition
        ("arn:aws:iam::123456789012:user/workbench-app", APP_ROLE, False),  # an IAM user of that name
        (APP_SESSION, "workbench-app", False),
    ],
)
def test_same_role_compares_partition_account_and_role_name(caller: str, role: str, same: bool) -> None:
    assert same_role(caller, role) is same


@pytest.mark.parametrize(
    ("mode", "event", "headers", "trusted", "identity"),
    [
        ("none", None, {"x-workbench-user": "ana"}, None, "app:ana"),
        ("iam", iam_event(APP_SESSION), {"x-workbench-user": "ana"}, APP_ROLE, "app:ana"),
        ("iam", iam_event(DEV_SESSION), {}, APP_ROLE, f"iam:{DEV_SESSION}"),
        ("iam", iam_event(APP_SESSION), {}, None, f"iam:{APP_SESSION}"),
        ("jwt", jwt_event(sub="5f1c2a9e", username="carla"), {}, None, "jwt:5f1c2a9e"),
    ],
)
def test_callers(
    mode: Any, event: dict[str, Any] | None, headers: dict[str, str], trusted: str | None, identity: str
) -> None:
    caller = resolve_caller(mode, event=event, headers=headers, trusted_role_arn=trusted)
    assert caller.identity == identity


@pytest.mark.parametrize(
    ("mode", "event", "headers", "trusted", "error", "fragment"),
    [
        ("none", None, {}, None, UnauthenticatedError, "names no user"),
        ("none", None, {"x-workbench-user": "a/b"}, None, UnauthenticatedError, "not a valid user name"),
        (
            "none",
            iam_event(APP_SESSION),
            {"x-workbench-user": "ana"},
            None,
            ForbiddenCallerError,
            "API_AUTH=none",
        ),
        ("iam", None, {"x-workbench-user": "ana"}, APP_ROLE, UnauthenticatedError, "API_AUTH=iam"),
        ("jwt", None, {"x-workbench-user": "ana"}, None, UnauthenticatedError, "API_AUTH=jwt"),
        ("iam", {"requestContext": {}}, {}, APP_ROLE, UnauthenticatedError, "not signed"),
        ("iam", {"requestContext": {"authorizer": None}}, {}, APP_ROLE, UnauthenticatedError, "not signed"),
        ("iam", jwt_event(sub="x"), {}, APP_ROLE, UnauthenticatedError, "not signed"),
        ("iam", iam_event(DEV_SESSION), {"x-workbench-user": "ana"}, APP_ROLE, ForbiddenCallerError, "Only"),
        ("iam", iam_event(APP_SESSION), {}, APP_ROLE, UnauthenticatedError, "names no user"),
        ("jwt", iam_event(APP_SESSION), {}, None, UnauthenticatedError, "no verified token"),
        ("jwt", jwt_event(username="carla"), {}, None, UnauthenticatedError, "no verified token"),
        (
            "jwt",
            jwt_event(sub="x"),
            {"x-workbench-user": "ana"},
            None,
            ForbiddenCallerError,
            "acts as itself",
        ),
    ],
)
def test_refusals(
    mode: Any,
    event: dict[str, Any] | None,
    headers: dict[str, str],
    trusted: str | None,
    error: type[Exception],
    fragment: str,
) -> None:
    with pytest.raises(error, match=fragment):
        resolve_caller(mode, event=event, headers=headers, trusted_role_arn=trusted)
