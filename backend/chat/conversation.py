"""The chat transcript a session keeps between Streamlit reruns.

The transcript holds every turn for display; what reaches the model is trimmed to a token budget by
``ChatService``. Failed turns stay visible but are never sent back to the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
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
