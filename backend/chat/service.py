"""The chatbot: system prompt + token-trimmed conversation memory + streaming replies.

This replaces the course's ``ConversationBufferMemory(max_token_limit=...)`` with current LangChain:
the full transcript is kept, and ``trim_messages`` picks the most recent turns that fit the budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    BaseMessage,
    BaseMessageChunk,
    HumanMessage,
    SystemMessage,
    trim_messages,
)
from langchain_core.messages.utils import count_tokens_approximately

TokenCounter = Callable[[list[BaseMessage]], int]


def history_budget(context_tokens: int, max_new_tokens: int, memory_tokens: int, margin: int = 64) -> int:
    """Tokens available for system prompt + history + question: the context minus the reply's room."""
    return max(0, min(memory_tokens, context_tokens - max_new_tokens - margin))


class ChatService:
    """One chat flow. The model and the token counter come in, so tests pass fakes."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        max_input_tokens: int,
        token_counter: TokenCounter = count_tokens_approximately,
    ) -> None:
        self._model = model
        self._max_input_tokens = max_input_tokens
        self._count = token_counter

    def prompt_messages(
        self, history: Sequence[BaseMessage], user_text: str, system_prompt: str
    ) -> list[BaseMessage]:
        """What is sent to the model: the system prompt, as much recent history as fits, the question.

        The system prompt and the new question are always kept; older turns are dropped whole, and the
        window starts on a human turn so the model never sees an orphaned answer.
        """
        messages: list[BaseMessage] = []
        if system_prompt.strip():
            messages.append(SystemMessage(system_prompt.strip()))
        messages.extend(history)
        messages.append(HumanMessage(user_text))
        trimmed = trim_messages(
            messages,
            max_tokens=self._max_input_tokens,
            token_counter=self._count,
            strategy="last",
            start_on="human",
            include_system=True,
            allow_partial=False,
        )
        if not trimmed or trimmed[-1] is not messages[-1]:
            # Even the question alone is over budget: send it anyway rather than nothing.
            return [*messages[:1], messages[-1]] if system_prompt.strip() else [messages[-1]]
        return trimmed

    def stream_reply(
        self, history: Sequence[BaseMessage], user_text: str, system_prompt: str
    ) -> Iterator[str]:
        """Yield the reply's text as it arrives."""
        for chunk in self.stream_chunks(self.prompt_messages(history, user_text, system_prompt)):
            text = chunk.text
            if text:
                yield text

    def stream_chunks(self, messages: Sequence[BaseMessage]) -> Iterator[BaseMessageChunk]:
        """The model's raw chunks for ``messages`` (from ``prompt_messages``), usage report included."""
        yield from self._model.stream(list(messages))
