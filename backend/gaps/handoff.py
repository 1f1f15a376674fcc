"""The "Ask HR" hand-off: a user sends an unanswered question (and a note) to HR; an admin replies; the
user sees the reply the next time they open the Q&A page. Roles are checked here, where it runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from backend.appdb.handoff import (
    MAX_NOTE_CHARS,
    MAX_QUESTION_CHARS,
    MAX_REPLY_CHARS,
    HandoffItem,
    HandoffRepository,
    new_handoff_id,
)
from backend.appdb.timestamps import utc_now
from backend.auth.identity import Identity, PermissionDeniedError, require_admin


class HandoffError(ValueError):
    """The request cannot be done as asked; one sentence for the user."""


class HandoffService:
    def __init__(self, repository: HandoffRepository, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._repo = repository
        self._clock = clock

    def ask(self, user: Identity, question: str, note: str = "", page: str = "") -> HandoffItem:
        """Queue ``question`` for HR on behalf of ``user``."""
        question, note = question.strip(), note.strip()
        if not question:
            raise HandoffError("There is no question to send to HR.")
        if len(question) > MAX_QUESTION_CHARS or len(note) > MAX_NOTE_CHARS:
            raise HandoffError(f"Keep the question and the note under {MAX_NOTE_CHARS} characters each.")
        item = HandoffItem(new_handoff_id(), self._clock(), user.username, question, note, page)
        self._repo.add(item)
        return item

    def queue(self, admin: Identity, *, include_answered: bool = False) -> list[HandoffItem]:
        """Open items oldest first (answered ones too when asked), for admins."""
        require_admin(admin, "see the Ask-HR queue")
        items = self._repo.all()
        return items if include_answered else [i for i in items if i.status == "open"]

    def answer(self, admin: Identity, handoff_id: str, reply: str) -> HandoffItem:
        require_admin(admin, "answer Ask-HR questions")
        reply = reply.strip()
        if not reply:
            raise HandoffError("Write a reply before marking the question answered.")
        if len(reply) > MAX_REPLY_CHARS:
            raise HandoffError(f"Keep the reply under {MAX_REPLY_CHARS} characters.")
        item = self._repo.find(handoff_id)
        if item is None:
            raise HandoffError("That question is no longer in the queue.")
        return self._repo.update(
            item,
            status="answered",
            reply=reply,
            answered_by=admin.username,
            answered_at=self._clock(),
            seen=False,
        )

    def mine(self, user: Identity) -> list[HandoffItem]:
        """The user's own questions, newest first."""
        return [i for i in reversed(self._repo.all()) if i.user == user.username]

    def new_replies(self, user: Identity) -> list[HandoffItem]:
        """Answers the user has not seen yet (the Q&A page shows these when it opens)."""
        return [i for i in self.mine(user) if i.status == "answered" and not i.seen]

    def mark_seen(self, user: Identity, handoff_id: str) -> None:
        item = self._repo.find(handoff_id)
        if item is None:
            return
        if item.user != user.username:
            raise PermissionDeniedError("You can only dismiss replies to your own questions.")
        self._repo.update(item, seen=True)
