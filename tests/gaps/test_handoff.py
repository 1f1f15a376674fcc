from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.appdb.handoff import HandoffRepository
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity, PermissionDeniedError
from backend.gaps.handoff import HandoffError, HandoffService

T0 = datetime(2026, 11, 30, 9, tzinfo=UTC)
ADMIN = Identity("hr", "admin")
ANA = Identity("ana", "staff")
BO = Identity("bo", "staff")


class Clock:
    """Each reading is one second after the previous one."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def service(tmp_path: Path) -> HandoffService:
    return HandoffService(HandoffRepository(SqliteStore(tmp_path / "app.db")), clock=Clock())


def test_a_question_goes_to_hr_and_the_reply_comes_back_once(service: HandoffService) -> None:
    item = service.ask(ANA, "  Can I carry over leave? ", "I have 10 days left", page="HR Policy Q&A")
    service.ask(BO, "Is there a gym?")
    assert [i.question for i in service.queue(ADMIN)] == ["Can I carry over leave?", "Is there a gym?"]
    with pytest.raises(PermissionDeniedError):
        service.queue(ANA)
    with pytest.raises(PermissionDeniedError):
        service.answer(ANA, item.id, "yes")

    assert service.new_replies(ANA) == []
    answered = service.answer(ADMIN, item.id, "Up to 5 days, see leave policy p.2.")
    assert (answered.status, answered.answered_by) == ("answered", "hr")
    assert answered.answered_at == T0 + timedelta(seconds=3)
    assert [i.question for i in service.queue(ADMIN)] == ["Is there a gym?"]
    assert len(service.queue(ADMIN, include_answered=True)) == 2

    assert service.new_replies(BO) == []  # another user's reply is never shown
    replies = service.new_replies(ANA)
    assert [r.reply for r in replies] == ["Up to 5 days, see leave policy p.2."]
    with pytest.raises(PermissionDeniedError):
        service.mark_seen(BO, item.id)
    service.mark_seen(ANA, item.id)
    assert service.new_replies(ANA) == []
    assert service.mine(ANA)[0].reply == "Up to 5 days, see leave policy p.2."


@pytest.mark.parametrize(
    ("question", "note", "message"),
    [("  ", "", "no question"), ("q", "x" * 2001, "under 2000 characters")],
)
def test_bad_requests_are_one_sentence(
    service: HandoffService, question: str, note: str, message: str
) -> None:
    with pytest.raises(HandoffError, match=message):
        service.ask(ANA, question, note)


def test_answering_needs_a_reply_and_a_known_question(service: HandoffService) -> None:
    item = service.ask(ANA, "Gym?")
    with pytest.raises(HandoffError, match="Write a reply"):
        service.answer(ADMIN, item.id, " ")
    with pytest.raises(HandoffError, match="no longer in the queue"):
        service.answer(ADMIN, "nope", "yes")
