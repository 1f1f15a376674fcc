"""The chat transcript a session keeps between Streamlit reruns.

The transcript holds every turn for display; what reaches the model is trimmed to a token budget by
``ChatService``. Failed turns stay visible but are never sent back to the model.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

Role = Literal["user", "assistant"]


@dataclass
class Turn:
    role: Role
    content: str
    is_error: bool = False


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def add_user(self, text: str) -> None:
        self.turns.append(Turn("user", text))

    def add_assistant(self, text: str) -> None:
        self.turns.append(Turn("assistant", text))

    def record_reply(self, pieces: Iterable[str]) -> Generator[str, None, None]:
        """Pass a streamed reply through, saving it as it arrives.

        Streamlit abandons a script run when the user acts mid-stream; saving piece by piece means the
        part already shown is kept instead of vanishing on the next rerun.
        """
        turn = Turn("assistant", "")
        self.turns.append(turn)
        for piece in pieces:
            turn.content += piece
            yield piece
        if not turn.content.strip():
            self.turns.remove(turn)

    def add_error(self, text: str) -> None:
        self.turns.append(Turn("assistant", text, is_error=True))

    def clear(self) -> None:
        self.turns.clear()

    def messages(self) -> list[BaseMessage]:
        """The model-visible history: successful turns only, as LangChain messages."""
        out: list[BaseMessage] = []
        for turn in self.turns:
            if turn.is_error:
                continue
            out.append(HumanMessage(turn.content) if turn.role == "user" else AIMessage(turn.content))
        return out
