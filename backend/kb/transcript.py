"""The Course Q&A conversation a session keeps between Streamlit reruns.

The turns are the app's one transcript model (``backend.chat.conversation``); beside them this keeps
each reply's citations and the ``sessionId`` the last answer returned, so the next question continues
it (the Knowledge Base, or the offline session store, holds the history a follow-up needs). Failed
turns stay visible and leave the session as it was.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field

from backend.chat.conversation import Conversation, Turn
from backend.kb.types import AskRequest, AskResponse, Citation


@dataclass
class CourseConversation:
    transcript: Conversation = field(default_factory=Conversation)
    citations: dict[int, list[Citation]] = field(default_factory=dict)  # by the reply's turn index
    session_id: str | None = None

    @property
    def turns(self) -> list[Turn]:
        return self.transcript.turns

    def ask(self, prompt: str) -> AskRequest:
        """Record the question and build the request that continues this conversation."""
        request = AskRequest(prompt=prompt, sessionId=self.session_id)
        self.transcript.add_user(request.prompt)
        return request

    def record_reply(self, pieces: Iterable[str]) -> Generator[str, None, None]:
        """Pass a streamed reply through, saving it as it arrives (an abandoned run keeps what was shown)."""
        return self.transcript.record_reply(pieces)

    def settle(self, response: AskResponse) -> None:
        """The finished answer replaces the streamed text, with its citations; the session continues."""
        self.transcript.settle_reply(response.answer)
        self.citations[len(self.turns) - 1] = list(response.citations)
        self.session_id = response.session_id or self.session_id

    def add_error(self, message: str) -> None:
        self.transcript.add_error(message)

    def clear(self) -> None:
        self.transcript.clear()
        self.citations.clear()
        self.session_id = None
