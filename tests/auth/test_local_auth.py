"""Sign-in, the rate limit and session revocation at the service boundary."""

from __future__ import annotations

import pytest

from backend.appdb.audit import AuditLog
from backend.appdb.sqlite import SqliteStore
from backend.appdb.users import UnknownUserError, UserExistsError
from backend.auth.identity import Identity
from backend.auth.service import SIGN_IN_FAILED, InvalidUsernameError, LocalAuth, SignInError
from backend.auth.throttle import MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_USER
from tests.auth.conftest import Clock

PW = "a long enough password"


def test_sign_in_returns_the_identity_and_a_session_that_resumes(auth: LocalAuth, store: SqliteStore) -> None:
    auth.add_user("ana", "admin", PW)
    user, token = auth.sign_in("  Ana ", PW, "10.0.0.1")
    assert user == Identity("ana", "admin")
    assert auth.resume(token) == Identity("ana", "admin")
    events = {(e.actor, e.action, e.detail) for e in AuditLog(store).recent()}
    assert events == {("cli", "user_admin", "added as admin"), ("ana", "sign_in", "10.0.0.1")}


@pytest.mark.parametrize(("name", "password"), [("ana", "wrong password!"), ("nobody", PW), ("Bad Name", PW)])
def test_every_failure_says_the_same_neutral_sentence(auth: LocalAuth, name: str, password: str) -> None:
    auth.add_user("ana", "staff", PW)
    with pytest.raises(SignInError) as err:
        auth.sign_in(name, password, "10.0.0.1")
    assert str(err.value) == SIGN_IN_FAILED


def test_a_disabled_user_cannot_sign_in_and_loses_open_sessions(auth: LocalAuth, clock: Clock) -> None:
    auth.add_user("bo", "staff", PW)
    _, token = auth.sign_in("bo", PW, None)
    clock.advance(seconds=5)
    auth.set_disabled("bo", True)
    assert auth.resume(token) is None
    with pytest.raises(SignInError):
        auth.sign_in("bo", PW, None)
    auth.set_disabled("bo", False)
    assert auth.resume(token) is None  # re-enabling does not revive the old session
    assert auth.sign_in("bo", PW, None)[0].username == "bo"


def test_a_password_change_ends_sessions_issued_before_it(auth: LocalAuth, clock: Clock) -> None:
    auth.add_user("bo", "staff", PW)
    _, old = auth.sign_in("bo", PW, None)
    clock.advance(seconds=5)
    auth.set_password("bo", "another long password")
    assert auth.resume(old) is None
    with pytest.raises(SignInError):
        auth.sign_in("bo", PW, None)
    _, new = auth.sign_in("bo", "another long password", None)
    assert auth.resume(new) == Identity("bo", "staff")


def test_sessions_expire(auth: LocalAuth, clock: Clock) -> None:
    auth.add_user("bo", "staff", PW)
    _, token = auth.sign_in("bo", PW, None)
    assert auth.seconds_left(token) == 8 * 3600
    clock.advance(hours=7, minutes=59)
    assert auth.resume(token) is not None
    assert auth.seconds_left(token) == 60
    clock.advance(minutes=1)
    assert auth.resume(token) is None
    assert auth.seconds_left(token) == 0


def test_failures_per_user_block_even_the_right_password_until_the_window_passes(
    auth: LocalAuth, clock: Clock
) -> None:
    auth.add_user("ana", "admin", PW)
    for n in range(MAX_FAILURES_PER_USER):
        with pytest.raises(SignInError):
            auth.sign_in("ana", f"wrong password {n}", f"10.0.0.{n}")
    with pytest.raises(SignInError) as err:
        auth.sign_in("ana", PW, "10.0.0.99")
    assert str(err.value) == SIGN_IN_FAILED
    clock.advance(minutes=15, seconds=1)
    assert auth.sign_in("ana", PW, "10.0.0.99")[0].username == "ana"


def test_failures_from_one_address_block_that_address_for_every_user(auth: LocalAuth, clock: Clock) -> None:
    auth.add_user("ana", "admin", PW)
    for n in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(SignInError):
            auth.sign_in(f"guess{n}", PW, "203.0.113.7")
    with pytest.raises(SignInError):
        auth.sign_in("ana", PW, "203.0.113.7")
    assert auth.sign_in("ana", PW, "198.51.100.1")[0].username == "ana"  # another address is fine


def test_a_success_clears_the_users_count(auth: LocalAuth) -> None:
    auth.add_user("ana", "admin", PW)
    for _ in range(MAX_FAILURES_PER_USER - 1):
        with pytest.raises(SignInError):
            auth.sign_in("ana", "wrong password!", None)
    auth.sign_in("ana", PW, None)
    for _ in range(MAX_FAILURES_PER_USER - 1):
        with pytest.raises(SignInError):
            auth.sign_in("ana", "wrong password!", None)
    assert auth.sign_in("ana", PW, None)[0].username == "ana"


def test_user_management_errors(auth: LocalAuth) -> None:
    auth.add_user("ana", "admin", PW)
    with pytest.raises(UserExistsError):
        auth.add_user("ana", "staff", PW)
    with pytest.raises(InvalidUsernameError):
        auth.add_user("Ana Lopez", "staff", PW)
    with pytest.raises(UnknownUserError):
        auth.set_password("nobody", PW)
    with pytest.raises(UnknownUserError):
        auth.set_disabled("nobody", True)
    assert [(u.username, u.role) for u in auth.list_users()] == [("ana", "admin")]


def test_sign_out_ends_the_users_sessions(auth: LocalAuth, clock: Clock) -> None:
    auth.add_user("bo", "staff", PW)
    user, token = auth.sign_in("bo", PW, None)
    clock.advance(seconds=5)
    auth.sign_out(user)
    assert auth.resume(token) is None
    _, fresh = auth.sign_in("bo", PW, None)
    assert auth.resume(fresh) == user
