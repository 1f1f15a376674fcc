"""The sign-in rate limit: too many failures for one user name, or from one address, block sign-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from backend.appdb.signin_failures import SignInFailures

MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)


def scopes(username: str, address: str | None) -> list[tuple[str, int]]:
    """The counters one attempt touches, each with its limit."""
    out = [(f"user:{username}", MAX_FAILURES_PER_USER)]
    if address:
        out.append((f"addr:{address}", MAX_FAILURES_PER_ADDRESS))
    return out


class SignInThrottle:
    def __init__(self, failures: SignInFailures, clock: Callable[[], datetime]) -> None:
        self._failures = failures
        self._clock = clock

    def blocked(self, username: str, address: str | None) -> bool:
        since = self._clock() - WINDOW
        return any(self._failures.count_since(s, since) >= limit for s, limit in scopes(username, address))

    def failed(self, username: str, address: str | None) -> None:
        now = self._clock()
        for scope, _ in scopes(username, address):
            self._failures.prune(scope, now - WINDOW)
            self._failures.record(scope, now)

    def succeeded(self, username: str) -> None:
        # A correct password clears the user's count; the address's count stays (it may be guessing
        # other accounts).
        self._failures.clear(f"user:{username}")
