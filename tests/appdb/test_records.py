"""Record kinds (users, audit log, conversations) on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.appdb.audit import AuditEvent, AuditLog
from backend.appdb.conversations import ConversationRecord, ConversationRepository, clean_title
from backend.appdb.store import AppStore
from backend.appdb.users import UnknownUserError, UserExistsError, UserRecord, UserRepository, valid_username

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def user(name: str, role: str = "staff") -> UserRecord:
    return UserRecord(name, role, f"hash-of-{name}", T0, T0)  # type: ignore[arg-type]


def conversation(owner: str, cid: str, minutes: int, kind: str = "chat") -> ConversationRecord:
    return ConversationRecord(
        cid,
        owner,
        kind,  # type: ignore[arg-type]
        f"title {cid}",
        T0,
        T0 + timedelta(minutes=minutes),
        [{"role": "user", "text": f"hello from {owner}"}, {"role": "assistant", "text": "hi"}],
    )


def test_users_add_get_list_update(store: AppStore) -> None:
    users = UserRepository(store)
    users.add(user("ana", "admin"))
    users.add(user("bo"))
    with pytest.raises(UserExistsError, match="ana already exists"):
        users.add(user("ana", "staff"))
    assert users.get("ana") == user("ana", "admin")  # the repeated add changed nothing
    assert [u.username for u in users.list()] == ["ana", "bo"]
    later = T0 + timedelta(hours=1)
    updated = users.update("bo", disabled=True, sessions_valid_from=later)
    assert updated.disabled
    assert users.get("bo") == updated
    with pytest.raises(UnknownUserError):
        users.update("nobody", disabled=True)
    assert users.get("nobody") is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("ana", True),
        ("ana.lopez@acme.test", True),
        ("a-1_b", True),
        ("Ana", False),
        ("", False),
        ("-ana", False),
        ("ana lopez", False),
        ("a" * 64, True),
        ("a" * 65, False),
        ("ana#x", False),
    ],
)
def test_valid_username(name: str, ok: bool) -> None:
    assert valid_username(name) is ok


def test_audit_log_keeps_time_order(store: AppStore) -> None:
    log = AuditLog(store)
    events = [
        AuditEvent(T0 + timedelta(seconds=s), "ana", action, target)  # type: ignore[arg-type]
        for s, action, target in [(2, "upload", "leave.pdf"), (1, "sign_in", ""), (3, "delete", "leave.pdf")]
    ]
    for event in events:
        log.record(event)
    # Two events in the same microsecond are both kept.
    log.record(AuditEvent(T0 + timedelta(seconds=3), "bo", "sign_in"))
    recent = log.recent()
    assert [(e.actor, e.action) for e in recent[:2]] in (
        [("ana", "delete"), ("bo", "sign_in")],
        [("bo", "sign_in"), ("ana", "delete")],
    )
    assert [e.action for e in recent[2:]] == ["upload", "sign_in"]
    assert recent[-1] == events[1]
    assert len(log.recent(limit=2)) == 2
    assert [e.action for e in log.since(T0 + timedelta(seconds=2))][:1] == ["upload"]
    assert len(log.since(T0 + timedelta(seconds=2))) == 3


def test_conversations_are_listed_newest_first_and_round_trip(store: AppStore) -> None:
    repo = ConversationRepository(store)
    repo.save(conversation("ana", "c1", 1))
    repo.save(conversation("ana", "c2", 5, kind="hrqa"))
    repo.save(conversation("ana", "c3", 3))
    assert [s.id for s in repo.list("ana")] == ["c2", "c3", "c1"]
    assert [s.id for s in repo.list("ana", kind="chat")] == ["c3", "c1"]
    assert repo.list("ana")[0].message_count == 2
    assert repo.get("ana", "c2") == conversation("ana", "c2", 5, kind="hrqa")


def test_conversation_rename_delete(store: AppStore) -> None:
    repo = ConversationRepository(store)
    repo.save(conversation("ana", "c1", 1))
    assert repo.rename("ana", "c1", "  Leave\n question  ") is True
    assert repo.list("ana")[0].title == "Leave question"
    got = repo.get("ana", "c1")
    assert got is not None
    assert got.title == "Leave question"
    assert repo.rename("ana", "missing", "x") is False
    assert repo.delete("ana", "c1") is True
    assert repo.delete("ana", "c1") is False
    assert repo.get("ana", "c1") is None
    assert repo.list("ana") == []


def test_one_user_never_reaches_another_users_conversations(store: AppStore) -> None:
    repo = ConversationRepository(store)
    repo.save(conversation("ana", "shared-id", 1))
    repo.save(conversation("bo", "bo-only", 2))
    assert [s.id for s in repo.list("bo")] == ["bo-only"]
    assert repo.get("bo", "shared-id") is None
    assert repo.rename("bo", "shared-id", "mine now") is False
    assert repo.delete("bo", "shared-id") is False
    got = repo.get("ana", "shared-id")
    assert got is not None
    assert got.title == "title shared-id"


def test_clean_title_cuts_long_titles() -> None:
    assert clean_title("a " * 100).endswith("…")
    assert len(clean_title("a " * 100)) == 80
    assert clean_title("short") == "short"
