"""The transcript a session keeps between Streamlit reruns, for the chatbot and the HR Q&A alike.

The transcript holds every turn for display; what reaches a model is trimmed to a token budget by
``ChatService`` (or rewritten into a standalone question by the policy answerer). Failed turns stay
visible but are never sent back to a model. An HR reply carries its ``Answer`` (sources, citations,
checks) so the page can show where it came from after any rerun, and after a reload from storage.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from backend.banking.trace import AgentReply
from backend.metering.figures import AnswerFigures
from backend.rag.answer.answerer import Answer

Role = Literal["user", "assistant"]


@dataclass
class Turn:
    role: Role
    content: str
    is_error: bool = False
    answer: Answer | None = None  # an HR policy reply: what it was built from
    figures: AnswerFigures | None = None  # a reply's model, times, tokens and cost
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])  # names the reply for feedback
    agent: AgentReply | None = None  # a banking assistant reply: the steps that ran and its citations

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "content": self.content, "id": self.id}
        if self.is_error:
            out["is_error"] = True
        if self.answer is not None:
            out["answer"] = self.answer.to_dict()
        if self.figures is not None:
            out["figures"] = self.figures.to_dict()
        if self.agent is not None:
            out["agent"] = self.agent.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Turn:
        role = raw["role"]
        if role not in ("user", "assistant"):
            raise ValueError(f"unknown turn role {role!r}")
        answer = raw.get("answer")
        figures = raw.get("figures")
        agent = raw.get("agent")
        turn = cls(
            role,
            str(raw["content"]),
            is_error=bool(raw.get("is_error", False)),
            answer=Answer.from_dict(answer) if answer is not None else None,
            figures=AnswerFigures.from_dict(figures) if figures is not None else None,
            agent=AgentReply.from_dict(agent) if agent is not None else None,
        )
        if raw.get("id"):
            turn.id = str(raw["id"])
        return turn


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def add_user(self, text: str) -> None:
        self.turns.append(Turn("user", text))

    def add_assistant(self, text: str, answer: Answer | None = None, agent: AgentReply | None = None) -> None:
        self.turns.append(Turn("assistant", text, answer=answer, agent=agent))

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

    def last_reply(self) -> Turn | None:
        """The newest turn if it is a (non-error) assistant reply."""
        last = self.turns[-1] if self.turns else None
        return last if last is not None and last.role == "assistant" and not last.is_error else None

    def question_for(self, reply: Turn) -> str:
        """The user's message that ``reply`` answers ("" when there is none)."""
        index = next((i for i, t in enumerate(self.turns) if t is reply), 0)
        return next((t.content for t in reversed(self.turns[:index]) if t.role == "user"), "")

    def attach_agent(self, agent: AgentReply) -> None:
        """Give the banking reply just streamed its trace (a reply that streamed nothing has no turn)."""
        last = self.turns[-1] if self.turns else None
        if last is not None and last.role == "assistant" and not last.is_error:
            last.agent = agent

    def last_agent_reply(self) -> AgentReply | None:
        """The trace of the newest successful assistant turn, if it has one."""
        for turn in reversed(self.turns):
            if turn.role == "assistant" and not turn.is_error:
                return turn.agent
        return None

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
