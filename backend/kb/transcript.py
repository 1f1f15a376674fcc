"""The Course Q&A conversation a session keeps between Streamlit reruns.

Each reply keeps its citations; the conversation keeps the ``sessionId`` the last answer returned, so
the next question continues it (the Knowledge Base, or the offline session store, holds the history the
follow-up needs). Failed turns stay visible and leave the session as it was.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Literal

from backend.kb.types import AskRequest, AskResponse, Citation


@dataclass
class CourseTurn:
    role: Literal["user", "assistant"]
    content: str
    citations: list[Citation] = field(default_factory=list)
    is_error: bool = False


@dataclass
class CourseConversation:
    turns: list[CourseTurn] = field(default_factory=list)
    session_id: str | None = None

    def ask(self, prompt: str) -> AskRequest:
        """Record the question and build the request that continues this conversation."""
        request = AskRequest(prompt=prompt, sessionId=self.session_id)
        self.turns.append(CourseTurn("user", request.prompt))
        return request

    def record_reply(self, pieces: Iterable[str]) -> Generator[str, None, None]:
        """Pass a streamed reply through, saving it as it arrives (an abandoned run keeps what was shown)."""
        turn = CourseTurn("assistant", "")
        self.turns.append(turn)
        try:
            for piece in pieces:
                turn.content += piece
                yield piece
        finally:
            if not turn.content.strip() and turn in self.turns:
                self.turns.remove(turn)

    def settle(self, response: AskResponse) -> None:
        """The finished answer replaces the streamed text, with its citations; the session continues."""
        last = self.turns[-1] if self.turns else None
        if last is None or last.role != "assistant" or last.is_error:
            last = CourseTurn("assistant", "")
            self.turns.append(last)
        last.content, last.citations = response.answer, list(response.citations)
        self.session_id = response.session_id or self.session_id

    def add_error(self, message: str) -> None:
        self.turns.append(CourseTurn("assistant", message, is_error=True))

    def clear(self) -> None:
        self.turns.clear()
        self.session_id = None
