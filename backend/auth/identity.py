"""Who is acting, and the one check every document operation makes before it runs."""

from __future__ import annotations

from dataclasses import dataclass

from backend.appdb.users import Role

# AUTH_MODE=none: one person on a laptop owns everything and manages their own documents.
LOCAL_OWNER_NAME = "local"


class PermissionDeniedError(PermissionError):
    """The acting user's role does not allow the operation; the message is one sentence."""


@dataclass(frozen=True)
class Identity:
    username: str
    role: Role
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.display_name or self.username


LOCAL_OWNER = Identity(LOCAL_OWNER_NAME, "admin", "Local user")


def require_admin(user: Identity, action: str) -> None:
    """Refuse ``action`` (e.g. "delete policy documents") unless ``user`` is an admin."""
    if not user.is_admin:
        raise PermissionDeniedError(f"Only admins can {action}; {user.label} is signed in as staff.")
