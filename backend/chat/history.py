"""Saved conversations, per user: the chatbot's and the HR Q&A's transcripts survive a closed tab and a
server restart, and one user never reaches another's (every call names the owner; the repository keys
conversations under it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from backend.appdb.conversations import (
    ConversationKind,
    ConversationRecord,
    ConversationRepository,
    ConversationSummary,
    clean_title,
    new_conversation_id,
)
from backend.auth.identity import Identity
from backend.chat.conversation import Conversation

UNTITLED = "New conversation"


def default_title(conversation: Conversation) -> str:
    """The first question, on one line, cut to the title length."""
    first = next((t.content for t in conversation.turns if t.role == "user" and t.content.strip()), "")
    return clean_title(first) if first else UNTITLED


class ConversationHistory:
    def __init__(self, repository: ConversationRepository, clock: Callable[[], datetime]) -> None:
        self._repo = repository
        self._clock = clock

    def save(
        self, user: Identity, kind: ConversationKind, conversation_id: str | None, conversation: Conversation
    ) -> str | None:
        """Store the transcript; returns its id (a new one the first time), or None when there is nothing
        to save yet. A renamed conversation keeps its name."""
        if not conversation.turns:
            return conversation_id
        now = self._clock()
        existing = self._repo.get(user.username, conversation_id) if conversation_id else None
        messages = conversation.to_dict()["turns"]
        if existing is not None:
            record = replace(existing, updated_at=now, messages=messages)
        else:
            record = ConversationRecord(
                conversation_id or new_conversation_id(),
                user.username,
                kind,
                default_title(conversation),
                now,
                now,
                messages,
            )
        self._repo.save(record)
        return record.id

    def list(self, user: Identity, kind: ConversationKind) -> list[ConversationSummary]:
        return self._repo.list(user.username, kind)

    def open(self, user: Identity, conversation_id: str) -> Conversation | None:
        record = self._repo.get(user.username, conversation_id)
        if record is None:
            return None
        return Conversation.from_dict({"turns": record.messages})

    def rename(self, user: Identity, conversation_id: str, title: str) -> bool:
        return bool(title.strip()) and self._repo.rename(user.username, conversation_id, title)

    def delete(self, user: Identity, conversation_id: str) -> bool:
        return self._repo.delete(user.username, conversation_id)
