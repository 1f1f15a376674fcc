"""Who is calling: the caller identity of one request, from API Gateway's authorizer or the local caller.

Pure functions over the request's API Gateway event (``requestContext.authorizer``, passed through by
Mangum as the ``aws.event`` ASGI scope) and its headers; the routes store outputs under the caller's
folder. The rules, per ``API_AUTH``:

- ``iam`` (the deployed default): API Gateway verified a SigV4 signature and puts the signer in
  ``requestContext.authorizer.iam``. A principal acts as itself (``iam:<userArn>``). Only the app's own
  role (``API_TRUSTED_ROLE_ARN``, the EC2 instance role) may act for one of the app's signed-in users, named
  in the ``X-Workbench-User`` header; the header is covered by the signature, so nobody can change it on
  the way, and any other principal that sends it is refused.
- ``jwt``: API Gateway verified a Cognito token and puts its claims in
  ``requestContext.authorizer.jwt.claims``; the caller is the token's subject (``jwt:<sub>``).
- ``none``: for the in-process API inside Streamlit and a loopback ``uvicorn`` only. The caller names its
  user in ``X-Workbench-User``. A request that arrived through API Gateway is refused in this mode.

A request without the identity its mode needs gets 401; an identity that may not do what it asks, 403.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from backend.generators.naming import owner_id

ApiAuth = Literal["none", "iam", "jwt"]

USER_HEADER = "x-workbench-user"
# Names the app's users may have: printable, no separators that could be confused in a log line.
_USER_NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,128}$")
# arn:aws:sts::123456789012:assumed-role/RoleName/session  and  arn:aws:iam::123456789012:role/path/RoleName
_ASSUMED_ROLE = re.compile(
    r"^arn:(?P<partition>[\w-]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[\w+=,.@-]+)/"
)
_ROLE = re.compile(
    r"^arn:(?P<partition>[\w-]+):iam::(?P<account>\d{12}):role/(?:[\w+=,.@/-]*/)?(?P<role>[\w+=,.@-]+)$"
)


class UnauthenticatedError(PermissionError):
    """The request carries no identity the API accepts (answered with 401)."""


class ForbiddenCallerError(PermissionError):
    """The caller is known but may not make this request (answered with 403)."""


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: ``app:ana``, ``iam:arn:aws:sts::…:assumed-role/Dev/ana`` or ``jwt:<sub>``."""

    identity: str

    @property
    def owner(self) -> str:
        """The caller's storage folder under ``users/``."""
        return owner_id(self.identity)


def same_role(caller_arn: str, role_arn: str) -> bool:
    """Whether an IAM caller (an assumed-role session ARN) is a session of the role ``role_arn``."""
    session = _ASSUMED_ROLE.match(caller_arn)
    role = _ROLE.match(role_arn)
    if session is None or role is None:
        return False
    return (session["partition"], session["account"], session["role"]) == (
        role["partition"],
        role["account"],
        role["role"],
    )


def app_user(name: str | None) -> Caller:
    """A user the app signed in, named in ``X-Workbench-User``."""
    if not name:
        raise UnauthenticatedError(
            "The request names no user: the app must send the signed-in user in the X-Workbench-User header."
        )
    if not _USER_NAME.fullmatch(name):
        raise UnauthenticatedError(
            "The X-Workbench-User header is not a valid user name (1-128 letters, digits or . _ @ + -)."
        )
    return Caller(f"app:{name}")


def resolve_caller(
    mode: ApiAuth,
    *,
    event: Mapping[str, Any] | None,
    headers: Mapping[str, str],
    trusted_role_arn: str | None = None,
) -> Caller:
    """The caller of one request; raises ``UnauthenticatedError`` (401) or ``ForbiddenCallerError`` (403).

    ``event`` is the API Gateway event when the request came through API Gateway (Lambda), else None.
    ``headers`` must have lower-case names (Starlette's and API Gateway's do).
    """
    named_user = headers.get(USER_HEADER)
    if event is None:
        if mode != "none":
            raise UnauthenticatedError(
                f"This API (API_AUTH={mode}) accepts only requests authorized by API Gateway; "
                "call it through its URL with a signed request (IAM) or a bearer token (JWT)."
            )
        return app_user(named_user)

    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    if mode == "none":
        raise ForbiddenCallerError(
            "API_AUTH=none serves only in-process and loopback calls; deploy the API with iam or jwt."
        )
    if mode == "jwt":
        claims = (authorizer.get("jwt") or {}).get("claims") or {}
        subject = claims.get("sub")
        if not subject:
            raise UnauthenticatedError("The request carries no verified token: send a Cognito bearer token.")
        if named_user is not None:
            raise ForbiddenCallerError("A token caller acts as itself: do not send X-Workbench-User.")
        return Caller(f"jwt:{subject}")

    iam = authorizer.get("iam") or {}
    caller_arn = iam.get("userArn")
    if not caller_arn:
        raise UnauthenticatedError("The request is not signed: sign it with AWS Signature Version 4.")
    if trusted_role_arn and same_role(caller_arn, trusted_role_arn):
        return app_user(named_user)
    if named_user is not None:
        raise ForbiddenCallerError(
            "Only the app's role (API_TRUSTED_ROLE_ARN) may act for a user named in X-Workbench-User."
        )
    return Caller(f"iam:{caller_arn}")
