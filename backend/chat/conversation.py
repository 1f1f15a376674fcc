"""The transcript a session keeps between Streamlit reruns, for the chatbot and the HR Q&A alike.

The transcript holds every turn for display; what reaches a model is trimmed to a token budget by
``ChatService`` (or rewritten into a standalone question by the policy answerer). Failed turns stay
visible but are never sent back to a model. An HR reply carries its ``Answer`` (sources, citations,
checks) so the page can show where it came from after any rerun, and after a reload from storage.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from backend.rag.answer.answerer import Answer

Role = Literal["user", "assistant"]


@dataclass
class Turn:
    role: Role
    content: str
    is_error: bool = False
    answer: Answer | None = None  # an HR policy reply: what it was built from

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.is_error:
            out["is_error"] = True
        if self.answer is not None:
            out["answer"] = self.answer.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Turn:
        role = raw["role"]
        if role not in ("user", "assistant"):
            raise ValueError(f"unknown turn role {role!r}")
        answer = raw.get("answer")
        return cls(
            role,
            str(raw["content"]),
            is_error=bool(raw.get("is_error", False)),
            answer=Answer.from_dict(answer) if answer is not None else None,
        )


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def add_user(self, text: str) -> None:
        self.turns.append(Turn("user", text))

    def add_assistant(self, text: str, answer: Answer | None = None) -> None:
        self.turns.append(Turn("assistant", text, answer=answer))

    def record_reply(self, pieces: Iterable[str]) -> Generator[str, None, None]:
        """Pass a streamed reply through, saving it as it arrives.

        Streamlit abandons a script run when the user acts mid-stream; saving piece by piece means the
        part already shown is kept instead of vanishing on the next rerun. A reply that produced nothing
        (finished, failed or abandoned) leaves no empty turn behind.
        """
        turn = Turn("assistant", "")
        self.turns.append(turn)
        try:
            for piece in pieces:
                turn.content += piece
                yield piece
        finally:
            if not turn.content.strip() and turn in self.turns:
                self.turns.remove(turn)

    def settle_reply(self, text: str, answer: Answer | None = None) -> None:
        """Give the reply just streamed its final text (citations checked) and attach its answer."""
        last = self.turns[-1] if self.turns else None
        if last is None or last.role != "assistant" or last.is_error:
            self.add_assistant(text, answer)
            return
        last.content, last.answer = text, answer

    def add_error(self, text: str) -> None:
        self.turns.append(Turn("assistant", text, is_error=True))

    def clear(self) -> None:
        self.turns.clear()

    def messages(self) -> list[BaseMessage]:
        """The model-visible history: successful turns only, as LangChain messages."""
        out: list[BaseMessage] = []
        for turn in self.turns:
            if turn.is_error or not turn.content:
                continue
            out.append(HumanMessage(turn.content) if turn.role == "user" else AIMessage(turn.content))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"turns": [t.to_dict() for t in self.turns]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Conversation:
        return cls([Turn.from_dict(t) for t in raw.get("turns", [])])
